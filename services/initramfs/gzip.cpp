// DEFLATE and gzip decompression; see gzip.h. Written from RFC 1951/1952.
//
// Huffman codes are decoded with a 9-bit lookup table (one probe for the
// common short codes) and, for longer codes, a canonical walk over the
// per-length counts. Nothing recurses; every length is checked before use.
#include "gzip.h"

#include "../lib/bytes.h"

#include <klib/box.h>
#include <klib/array.h>

namespace services::initramfs {

namespace {

using klib::Error;
using klib::Result;
using klib::Span;
using klib::Vec;

constexpr u32 kMaxBits = 15;    // longest DEFLATE code
constexpr u32 kFastBits = 9;    // lookup-table width
constexpr usize kMaxSyms = 288; // literal/length alphabet (with the 2 unused)
constexpr usize kMaxLitLen = 286;
constexpr usize kMaxDist = 30;

// ---- CRC-32 -------------------------------------------------------------

constexpr klib::Array<u32, 256> make_crc_table() {
    klib::Array<u32, 256> t{};
    for (u32 n = 0; n < 256; ++n) {
        u32 c = n;
        for (u32 k = 0; k < 8; ++k) {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t[n] = c;
    }
    return t;
}
constexpr klib::Array<u32, 256> kCrcTable = make_crc_table();

// ---- DEFLATE tables (RFC 1951 3.2.5) -----------------------------------

constexpr klib::Array<u16, 29> kLenBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                           15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                           67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr klib::Array<u8, 29> kLenExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                           2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr klib::Array<u16, 30> kDistBase = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr klib::Array<u8, 30> kDistExtra = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                            6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// Order of the code-length code lengths in a dynamic block header.
constexpr klib::Array<u8, 19> kClOrder = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};

// ---- bit input ----------------------------------------------------------

// Position in the input and up to 64 buffered bits (LSB first). The
// buffered bits are always whole consecutive bytes before `pos`, minus the
// bits already consumed from the first of them.
struct Bits {
    usize pos = 0;
    u64 buf = 0;
    u32 cnt = 0;
};

void refill(Bits& b, Span<const u8> in) {
    while (b.cnt <= 56 && b.pos < in.size()) {
        b.buf |= u64(in[b.pos]) << b.cnt;
        ++b.pos;
        b.cnt += 8;
    }
}

// The next `n` (<= 32) bits, LSB first.
Result<u32> take(Bits& b, Span<const u8> in, u32 n) {
    if (b.cnt < n) {
        refill(b, in);
        if (b.cnt < n) {
            return Error::OutOfRange;
        }
    }
    u32 v = u32(b.buf & ((u64(1) << n) - 1));
    b.buf >>= n;
    b.cnt -= n;
    return v;
}

// Drops the bits up to the next byte boundary and hands the whole buffered
// bytes back, so that `pos` is the next unread byte.
void align_to_byte(Bits& b) {
    u32 drop = b.cnt % 8;
    b.buf >>= drop;
    b.cnt -= drop;
    b.pos -= b.cnt / 8;
    b.buf = 0;
    b.cnt = 0;
}

// ---- Huffman codes ------------------------------------------------------

// A canonical Huffman code: number of codes per length, the symbols in
// code order, and a table indexed by the next kFastBits input bits giving
// (length << 9) | symbol for codes of at most kFastBits bits (0: longer
// code or no code, take the slow path).
struct Huffman {
    klib::Array<u16, kMaxBits + 1> count{};
    klib::Array<u16, kMaxSyms> symbol{};
    klib::Array<u16, 1u << kFastBits> fast{};
};

u32 reverse_bits(u32 code, u32 len) {
    u32 r = 0;
    for (u32 i = 0; i < len; ++i) {
        r = (r << 1) | ((code >> i) & 1);
    }
    return r;
}

// Builds `h` from per-symbol code lengths (0 = unused, all <= 15). An
// over-subscribed code is refused. An incomplete code is refused unless it
// has no codes at all, or `allow_single` and it is one code of length 1
// (both allowed by RFC 1951 for distance codes, and by zlib for literals).
Result<void> build(Huffman& h, Span<const u8> lengths, bool allow_single) {
    if (lengths.size() > kMaxSyms) {
        return Error::InvalidArgument;
    }
    h.count.fill(0);
    for (usize s = 0; s < lengths.size(); ++s) {
        if (lengths[s] > kMaxBits) {
            return Error::InvalidArgument;
        }
        h.count[lengths[s]] = u16(h.count[lengths[s]] + 1);
    }
    h.count[0] = 0;
    i32 left = 1; // codes still available at the current length
    u32 total = 0;
    for (u32 len = 1; len <= kMaxBits; ++len) {
        left = left * 2 - i32(h.count[len]);
        if (left < 0) {
            return Error::InvalidArgument; // over-subscribed
        }
        total += h.count[len];
    }
    if (left != 0 && total != 0 && !(allow_single && total == 1 && h.count[1] == 1)) {
        return Error::InvalidArgument; // incomplete
    }
    klib::Array<u16, kMaxBits + 1> offs{};
    for (u32 len = 1; len < kMaxBits; ++len) {
        offs[len + 1] = u16(offs[len] + h.count[len]);
    }
    for (usize s = 0; s < lengths.size(); ++s) {
        u8 len = lengths[s];
        if (len != 0) {
            h.symbol[offs[len]] = u16(s);
            offs[len] = u16(offs[len] + 1);
        }
    }
    h.fast.fill(0);
    u32 code = 0;
    usize idx = 0;
    for (u32 len = 1; len <= kFastBits; ++len) {
        for (u32 k = 0; k < h.count[len]; ++k) {
            u16 entry = u16((len << 9) | h.symbol[idx]);
            for (u32 f = reverse_bits(code, len); f < (1u << kFastBits); f += 1u << len) {
                h.fast[f] = entry;
            }
            ++idx;
            ++code;
        }
        code <<= 1;
    }
    return {};
}

// Decodes one symbol.
Result<u32> decode(Bits& b, Span<const u8> in, const Huffman& h) {
    if (b.cnt < kMaxBits) {
        refill(b, in);
    }
    u16 e = h.fast[usize(b.buf & ((1u << kFastBits) - 1))];
    if (e != 0) {
        u32 len = u32(e) >> 9;
        if (len > b.cnt) {
            return Error::OutOfRange; // matched only on missing (zero) bits
        }
        b.buf >>= len;
        b.cnt -= len;
        return u32(e) & 0x1ff;
    }
    // Canonical walk: codes of each length are consecutive integers.
    i32 code = 0;
    i32 first = 0;
    i32 index = 0;
    for (u32 len = 1; len <= kMaxBits; ++len) {
        if (b.cnt == 0) {
            return Error::OutOfRange;
        }
        code |= i32(b.buf & 1);
        b.buf >>= 1;
        b.cnt -= 1;
        i32 count = h.count[len];
        if (code - first < count) {
            return u32(h.symbol[usize(index + (code - first))]);
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return Error::InvalidArgument; // no such code (incomplete code)
}

// ---- blocks -------------------------------------------------------------

struct Stream {
    Bits bits;
    usize window_start = 0; // first output byte of this stream
    usize max_out = 0;
};

Result<void> push_byte(Vec<u8>& out, usize max_out, u8 v) {
    if (out.size() >= max_out) {
        return Error::NoSpace;
    }
    TRY(out.try_push(v));
    return {};
}

Result<void> stored_block(Stream& st, Span<const u8> in, Vec<u8>& out) {
    align_to_byte(st.bits);
    usize pos = st.bits.pos;
    u16 len = TRY(lib::read_le16(in, pos));
    u16 nlen = TRY(lib::read_le16(in, pos + 2));
    if (u16(~nlen) != len) {
        return Error::InvalidArgument;
    }
    pos += 4;
    if (!lib::in_bounds(in.size(), pos, len)) {
        return Error::OutOfRange;
    }
    if (out.size() > st.max_out || len > st.max_out - out.size()) {
        return Error::NoSpace;
    }
    for (usize i = 0; i < len; ++i) {
        TRY(out.try_push(in[pos + i]));
    }
    st.bits.pos = pos + len;
    return {};
}

// Literal/length and distance symbols until end-of-block.
Result<void> codes(Stream& st, Span<const u8> in, Vec<u8>& out, const Huffman& lit,
                   const Huffman& dist) {
    for (;;) {
        u32 sym = TRY(decode(st.bits, in, lit));
        if (sym < 256) {
            TRY(push_byte(out, st.max_out, u8(sym)));
            continue;
        }
        if (sym == 256) {
            return {};
        }
        usize ls = sym - 257;
        if (ls >= kLenBase.size()) {
            return Error::InvalidArgument; // 286, 287
        }
        usize len = kLenBase[ls] + TRY(take(st.bits, in, kLenExtra[ls]));
        u32 ds = TRY(decode(st.bits, in, dist));
        if (ds >= kMaxDist) {
            return Error::InvalidArgument; // 30, 31
        }
        usize d = kDistBase[ds] + TRY(take(st.bits, in, kDistExtra[ds]));
        if (d > out.size() - st.window_start) {
            return Error::InvalidArgument; // before the start of the stream
        }
        if (out.size() > st.max_out || len > st.max_out - out.size()) {
            return Error::NoSpace;
        }
        usize from = out.size() - d;
        for (usize i = 0; i < len; ++i) {
            u8 v = out[from + i]; // may be a byte this loop wrote (d < len)
            TRY(out.try_push(v));
        }
    }
}

// The decoding tables (~5 KiB) of one stream, on the heap: kernel stack
// frames stay under the 4 KiB limit (-Wframe-larger-than, KS-FLAGS).
struct Tables {
    Huffman lit;
    Huffman dist;
    Huffman cl;
};

Result<void> fixed_block(Stream& st, Span<const u8> in, Vec<u8>& out, Tables& t) {
    klib::Array<u8, kMaxSyms> ll{};
    for (usize s = 0; s < kMaxSyms; ++s) {
        ll[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    }
    klib::Array<u8, 32> dl{};
    dl.fill(5);
    TRY(build(t.lit, ll.span(), false));
    TRY(build(t.dist, dl.span(), false));
    return codes(st, in, out, t.lit, t.dist);
}

Result<void> dynamic_block(Stream& st, Span<const u8> in, Vec<u8>& out, Tables& t) {
    usize nlen = TRY(take(st.bits, in, 5)) + 257;
    usize ndist = TRY(take(st.bits, in, 5)) + 1;
    usize ncode = TRY(take(st.bits, in, 4)) + 4;
    if (nlen > kMaxLitLen || ndist > kMaxDist) {
        return Error::InvalidArgument;
    }
    klib::Array<u8, 19> cl{};
    for (usize i = 0; i < ncode; ++i) {
        cl[kClOrder[i]] = u8(TRY(take(st.bits, in, 3)));
    }
    TRY(build(t.cl, cl.span(), false));

    klib::Array<u8, kMaxLitLen + kMaxDist> lengths{};
    usize n = 0;
    while (n < nlen + ndist) {
        u32 sym = TRY(decode(st.bits, in, t.cl));
        if (sym < 16) {
            lengths[n++] = u8(sym);
            continue;
        }
        u8 val = 0;
        usize rep = 0;
        if (sym == 16) {
            if (n == 0) {
                return Error::InvalidArgument; // nothing to repeat
            }
            val = lengths[n - 1];
            rep = 3 + TRY(take(st.bits, in, 2));
        } else if (sym == 17) {
            rep = 3 + TRY(take(st.bits, in, 3));
        } else {
            rep = 11 + TRY(take(st.bits, in, 7));
        }
        if (rep > nlen + ndist - n) {
            return Error::InvalidArgument; // runs past the end
        }
        for (usize i = 0; i < rep; ++i) {
            lengths[n++] = val;
        }
    }
    if (lengths[256] == 0) {
        return Error::InvalidArgument; // no end-of-block code
    }
    TRY(build(t.lit, lengths.span().first(nlen), true));
    TRY(build(t.dist, lengths.span().subspan(nlen, ndist), true));
    return codes(st, in, out, t.lit, t.dist);
}

Result<usize> skip_cstring(Span<const u8> in, usize pos) {
    for (usize i = pos; i < in.size(); ++i) {
        if (in[i] == 0) {
            return i + 1;
        }
    }
    return Error::OutOfRange;
}

constexpr u8 kFlagHcrc = 0x02;
constexpr u8 kFlagExtra = 0x04;
constexpr u8 kFlagName = 0x08;
constexpr u8 kFlagComment = 0x10;
constexpr u8 kFlagReserved = 0xe0;
constexpr usize kHeaderSize = 10;
constexpr usize kTrailerSize = 8;

} // namespace

u32 crc32(Span<const u8> data, u32 crc) {
    u32 c = ~crc;
    for (usize i = 0; i < data.size(); ++i) {
        c = kCrcTable[(c ^ data[i]) & 0xff] ^ (c >> 8);
    }
    return ~c;
}

bool is_gzip(Span<const u8> in) {
    return in.size() >= 2 && in[0] == 0x1f && in[1] == 0x8b;
}

Result<usize> inflate(Span<const u8> in, Vec<u8>& out, usize max_out) {
    klib::Box<Tables> tables = TRY(klib::Box<Tables>::make());
    Stream st;
    st.window_start = out.size();
    st.max_out = max_out;
    bool last = false;
    while (!last) {
        last = TRY(take(st.bits, in, 1)) == 1;
        u32 type = TRY(take(st.bits, in, 2));
        if (type == 0) {
            TRY(stored_block(st, in, out));
        } else if (type == 1) {
            TRY(fixed_block(st, in, out, *tables));
        } else if (type == 2) {
            TRY(dynamic_block(st, in, out, *tables));
        } else {
            return Error::InvalidArgument; // reserved block type
        }
    }
    align_to_byte(st.bits);
    return st.bits.pos;
}

Result<usize> gunzip_member(Span<const u8> in, Vec<u8>& out, usize max_out) {
    if (in.size() < kHeaderSize) {
        return Error::OutOfRange;
    }
    if (!is_gzip(in)) {
        return Error::InvalidArgument;
    }
    if (in[2] != 8) {
        return Error::Unsupported; // only deflate is defined
    }
    u8 flags = in[3];
    if ((flags & kFlagReserved) != 0) {
        return Error::Unsupported;
    }
    usize pos = kHeaderSize;
    if ((flags & kFlagExtra) != 0) {
        u16 xlen = TRY(lib::read_le16(in, pos));
        pos += 2;
        if (!lib::in_bounds(in.size(), pos, xlen)) {
            return Error::OutOfRange;
        }
        pos += xlen;
    }
    if ((flags & kFlagName) != 0) {
        pos = TRY(skip_cstring(in, pos));
    }
    if ((flags & kFlagComment) != 0) {
        pos = TRY(skip_cstring(in, pos));
    }
    if ((flags & kFlagHcrc) != 0) {
        u16 want = TRY(lib::read_le16(in, pos));
        if (u16(crc32(in.first(pos)) & 0xffff) != want) {
            return Error::IoError;
        }
        pos += 2;
    }
    usize start = out.size();
    pos += TRY(inflate(in.subspan(pos), out, max_out));
    u32 want_crc = TRY(lib::read_le32(in, pos));
    u32 want_size = TRY(lib::read_le32(in, pos + 4));
    u32 got_crc = crc32(out.span().span().subspan(start));
    if (got_crc != want_crc || u32((out.size() - start) & 0xffffffff) != want_size) {
        return Error::IoError;
    }
    return pos + kTrailerSize;
}

Result<Vec<u8>> gunzip(Span<const u8> in, usize max_out) {
    Vec<u8> out;
    if (in.size() >= kHeaderSize + kTrailerSize) {
        // Size hint from the last member's ISIZE; only a hint, so a failed
        // reservation is not an error (growth reports NoMemory itself).
        usize hint = TRY(lib::read_le32(in, in.size() - 4));
        if (hint <= max_out) {
            (void)out.try_reserve(hint);
        }
    }
    usize pos = 0;
    bool any = false;
    while (pos < in.size()) {
        if (any && in[pos] == 0) {
            ++pos; // padding between or after members
            continue;
        }
        if (any && in[pos] != 0x1f) {
            return Error::InvalidArgument; // junk after a member
        }
        pos += TRY(gunzip_member(in.subspan(pos), out, max_out));
        any = true;
    }
    if (!any) {
        return Error::OutOfRange;
    }
    return out;
}

} // namespace services::initramfs
