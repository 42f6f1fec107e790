// ktests of the DEFLATE/gzip decompressor: zlib-made fixtures (stored,
// fixed and dynamic blocks, all header fields), hand-built streams for the
// corner cases zlib never emits, and hostile input (every truncation, every
// byte flipped, bad checksums, bombs): always an error Result, never a trap.
#include "gzip.h"
#include "testdata.h"

#include "../lib/testing.h"
#include <keel/ktest.h>
#include <klib/array.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::initramfs {

namespace {

using klib::Error;
using klib::Span;
using klib::StringView;
using klib::Vec;

constexpr usize kMax = 1u << 20;

bool equals(const Vec<u8>& v, StringView s) {
    if (v.size() != s.size()) {
        return false;
    }
    for (usize i = 0; i < s.size(); ++i) {
        if (v[i] != u8(s[i])) {
            return false;
        }
    }
    return true;
}

klib::Result<void> append(Vec<u8>& v, Span<const u8> s) {
    for (usize i = 0; i < s.size(); ++i) {
        TRY(v.try_push(s[i]));
    }
    return {};
}

// Returns only string literals (static storage), so it may return a view.
StringView word(u32 i) {
    switch (i) {
    case 0:
        return "keel";
    case 1:
        return "frame";
    case 2:
        return "kernel";
    case 3:
        return "safe";
    case 4:
        return "span";
    case 5:
        return "vec";
    case 6:
        return "result";
    case 7:
        return "page";
    case 8:
        return "trap";
    case 9:
        return "heap";
    case 10:
        return "boot";
    case 11:
        return "init";
    case 12:
        return "cpio";
    case 13:
        return "gzip";
    case 14:
        return "elf";
    default:
        return "load";
    }
}

// The text compressed in testdata::kDynamicGz (same generator as
// services/lib/gen_testdata.py).
klib::Result<Vec<u8>> dynamic_text(usize nwords) {
    Vec<u8> out;
    u32 x = 1;
    for (usize i = 0; i < nwords; ++i) {
        x = x * 1103515245u + 12345u;
        StringView w = word((x >> 16) % 16);
        for (usize j = 0; j < w.size(); ++j) {
            TRY(out.try_push(u8(w[j])));
        }
        TRY(out.try_push(i % 8 == 7 ? u8('\n') : u8(' ')));
    }
    return out;
}

// Writes a DEFLATE bit stream: plain fields LSB first, Huffman codes MSB
// first, fixed-code symbols by value.
struct BitWriter {
    Vec<u8> bytes;
    u32 acc = 0;
    u32 n = 0;

    void put(u32 value, u32 bits) {
        for (u32 i = 0; i < bits; ++i) {
            acc |= ((value >> i) & 1) << n;
            if (++n == 8) {
                MUST(bytes.try_push(u8(acc)));
                acc = 0;
                n = 0;
            }
        }
    }
    void put_code(u32 code, u32 len) {
        for (u32 i = len; i > 0; --i) {
            put((code >> (i - 1)) & 1, 1);
        }
    }
    void fixed_lit(u32 sym) {
        if (sym < 144) {
            put_code(0x30 + sym, 8);
        } else if (sym < 256) {
            put_code(0x190 + (sym - 144), 9);
        } else if (sym < 280) {
            put_code(sym - 256, 7);
        } else {
            put_code(0xc0 + (sym - 280), 8);
        }
    }
    void fixed_dist(u32 code) { put_code(code, 5); }
    void flush() {
        if (n != 0) {
            MUST(bytes.try_push(u8(acc)));
            acc = 0;
            n = 0;
        }
    }
};

// A gzip member (no optional fields) around a raw DEFLATE stream.
Vec<u8> wrap_gzip(Span<const u8> deflate, u32 crc, u32 size) {
    Vec<u8> v;
    klib::Array<u8, 10> hdr = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    MUST(append(v, hdr.span()));
    MUST(append(v, deflate));
    for (u32 i = 0; i < 4; ++i) {
        MUST(v.try_push(u8(crc >> (8 * i))));
    }
    for (u32 i = 0; i < 4; ++i) {
        MUST(v.try_push(u8(size >> (8 * i))));
    }
    return v;
}

// A final dynamic block header with 4 code-length codes (for symbols 16,
// 17, 18 and 0, in the order of RFC 1951) of the given lengths.
void dynamic_header(BitWriter& w, u32 hlit, u32 hdist, u32 l16, u32 l17, u32 l18, u32 l0) {
    w.put(1, 1);
    w.put(2, 2);
    w.put(hlit, 5);
    w.put(hdist, 5);
    w.put(0, 4);
    w.put(l16, 3);
    w.put(l17, 3);
    w.put(l18, 3);
    w.put(l0, 3);
}

using services::lib::err;

Error inflate_error(const BitWriter& w) {
    Vec<u8> out;
    return err(inflate(w.bytes.span(), out, kMax));
}

// Every strict prefix of a valid gzip file is an error.
void expect_prefixes_fail(Span<const u8> gz) {
    for (usize n = 0; n < gz.size(); ++n) {
        auto r = gunzip(gz.first(n), kMax);
        if (!r.is_err()) {
            keel::log_error("    prefix of {} bytes accepted", n);
        }
        KEXPECT(r.is_err());
    }
}

} // namespace

KTEST(initramfs_gzip_crc32_known_values) {
    klib::Array<u8, 9> digits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    KEXPECT_EQ(crc32(digits.span()), 0xCBF43926u);
    KEXPECT_EQ(crc32(digits.span().first(0)), 0u);
    u32 part = crc32(digits.span().first(4));
    KEXPECT_EQ(crc32(digits.span().subspan(4), part), 0xCBF43926u);
}

KTEST(initramfs_gzip_stored_block) {
    auto r = gunzip(testdata::kStoredGz.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT(equals(*r, "Hello, Keel initramfs!\n"));
}

KTEST(initramfs_gzip_fixed_huffman) {
    auto r = gunzip(testdata::kFixedGz.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT(equals(*r, "abracadabra abracadabra abracadabra, said the keel kernel\n"));
}

KTEST(initramfs_gzip_dynamic_huffman_many_blocks) {
    Vec<u8> want = MUST(dynamic_text(3000));
    KEXPECT_EQ(want.size(), 15604u);
    auto r = gunzip(testdata::kDynamicGz.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT(*r == want);
    KEXPECT_EQ(crc32(r->span()), 0xf13020bbu);
}

KTEST(initramfs_gzip_all_header_fields) {
    auto r = gunzip(testdata::kFlagsGz.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT(equals(*r, "flags test payload\n"));
    // The header CRC16 covers the optional fields: damage the file name.
    Vec<u8> bad;
    MUST(append(bad, testdata::kFlagsGz.span()));
    bad[24] = u8(bad[24] ^ 0x20);
    auto e = gunzip(bad.span(), kMax);
    KASSERT(e.is_err());
    KEXPECT_EQ(e.error(), Error::IoError);
}

KTEST(initramfs_gzip_empty_member) {
    auto r = gunzip(testdata::kEmptyGz.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT_EQ(r->size(), 0u);
}

KTEST(initramfs_gzip_concatenated_members_and_padding) {
    Vec<u8> in;
    MUST(append(in, testdata::kStoredGz.span()));
    MUST(in.try_push(0));
    MUST(in.try_push(0));
    MUST(append(in, testdata::kEmptyGz.span()));
    MUST(append(in, testdata::kFixedGz.span()));
    for (usize i = 0; i < 7; ++i) {
        MUST(in.try_push(0));
    }
    auto r = gunzip(in.span(), kMax);
    KASSERT(r.is_ok());
    KEXPECT(equals(*r, "Hello, Keel initramfs!\nabracadabra abracadabra abracadabra, said the "
                       "keel kernel\n"));
    // A member's back-references cannot reach into the previous member's
    // output, and the member size is reported exactly.
    Vec<u8> out;
    auto used = gunzip_member(in.span(), out, kMax);
    KASSERT(used.is_ok());
    KEXPECT_EQ(*used, testdata::kStoredGz.size());
}

KTEST(initramfs_gzip_trailing_junk_is_refused) {
    Vec<u8> in;
    MUST(append(in, testdata::kFixedGz.span()));
    MUST(in.try_push(0));
    MUST(in.try_push('x'));
    auto r = gunzip(in.span(), kMax);
    KASSERT(r.is_err());
    KEXPECT_EQ(r.error(), Error::InvalidArgument);
    KEXPECT(gunzip(Span<const u8>(), kMax).is_err());
}

KTEST(initramfs_gzip_every_truncation_fails) {
    expect_prefixes_fail(testdata::kStoredGz.span());
    expect_prefixes_fail(testdata::kFixedGz.span());
    expect_prefixes_fail(testdata::kFlagsGz.span());
    expect_prefixes_fail(testdata::kEmptyGz.span());
    expect_prefixes_fail(testdata::kCpioGz.span());
}

KTEST(initramfs_gzip_dynamic_truncations_fail) {
    expect_prefixes_fail(testdata::kDynamicGz.span());
}

KTEST(initramfs_gzip_bad_header_fields) {
    Vec<u8> v;
    MUST(append(v, testdata::kStoredGz.span()));
    v[0] = 0x1e;
    KEXPECT_EQ(err(gunzip(v.span(), kMax)), Error::InvalidArgument);
    v[0] = 0x1f;
    v[2] = 7; // compression method
    KEXPECT_EQ(err(gunzip(v.span(), kMax)), Error::Unsupported);
    v[2] = 8;
    v[3] = 0x20; // reserved flag
    KEXPECT_EQ(err(gunzip(v.span(), kMax)), Error::Unsupported);
    v[3] = 0x04; // FEXTRA with a length past the end
    KEXPECT_EQ(err(gunzip(v.span(), kMax)), Error::OutOfRange);
    v[3] = 0x08; // FNAME never terminated (no zero byte in the rest)
    Vec<u8> w;
    klib::Array<u8, 12> hdr = {0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, 'a', 'b'};
    MUST(append(w, hdr.span()));
    KEXPECT_EQ(err(gunzip(w.span(), kMax)), Error::OutOfRange);
    v[3] = 0;
    KEXPECT(gunzip(v.span(), kMax).is_ok());
}

KTEST(initramfs_gzip_bad_crc_and_size) {
    usize n = testdata::kFixedGz.size();
    for (usize i = n - 8; i < n; ++i) {
        Vec<u8> v;
        MUST(append(v, testdata::kFixedGz.span()));
        v[i] = u8(v[i] ^ 0x01);
        auto r = gunzip(v.span(), kMax);
        KASSERT(r.is_err());
        KEXPECT_EQ(r.error(), Error::IoError);
    }
}

KTEST(initramfs_gzip_every_byte_flipped_never_traps) {
    // Corrupt each byte of the deflate data in several ways. The result may
    // be an error (almost always) or, when only unused bits changed, the
    // original data: the CRC32 would refuse anything else.
    klib::Array<u8, 4> masks = {0x01, 0x10, 0x80, 0xff};
    Span<const u8> good = testdata::kFixedGz.span();
    Vec<u8> want = MUST(gunzip(good, kMax));
    for (usize i = 10; i + 8 < good.size(); ++i) {
        for (usize m = 0; m < masks.size(); ++m) {
            Vec<u8> v;
            MUST(append(v, good));
            v[i] = u8(v[i] ^ masks[m]);
            auto r = gunzip(v.span(), kMax);
            KEXPECT(r.is_err() || *r == want);
        }
    }
    Span<const u8> dyn = testdata::kDynamicGz.span();
    Vec<u8> dwant = MUST(gunzip(dyn, kMax));
    for (usize i = 10; i + 8 < dyn.size(); i += 37) {
        Vec<u8> v;
        MUST(append(v, dyn));
        v[i] = u8(v[i] ^ 0x5a);
        auto r = gunzip(v.span(), kMax);
        KEXPECT(r.is_err() || *r == dwant);
    }
}

KTEST(initramfs_gzip_max_out_bounds_output) {
    auto r = gunzip(testdata::kDynamicGz.span(), 15603);
    KASSERT(r.is_err());
    KEXPECT_EQ(r.error(), Error::NoSpace);
    KEXPECT(gunzip(testdata::kDynamicGz.span(), 15604).is_ok());
    auto s = gunzip(testdata::kStoredGz.span(), 5);
    KASSERT(s.is_err());
    KEXPECT_EQ(s.error(), Error::NoSpace);
    KEXPECT_EQ(err(gunzip(testdata::kFixedGz.span(), 0)), Error::NoSpace);
}

KTEST(initramfs_gzip_bomb_stops_at_max_out) {
    // One literal, then 4000 matches of 258 bytes at distance 1: 1 MiB from
    // 6.5 KiB. With a 64 KiB limit the decoder stops with NoSpace.
    BitWriter w;
    w.put(1, 1);
    w.put(1, 2);
    w.fixed_lit(0);
    for (usize i = 0; i < 4000; ++i) {
        w.fixed_lit(285);
        w.fixed_dist(0);
    }
    w.fixed_lit(256);
    w.flush();
    Vec<u8> out;
    auto r = inflate(w.bytes.span(), out, 64 * 1024);
    KASSERT(r.is_err());
    KEXPECT_EQ(r.error(), Error::NoSpace);
    KEXPECT(out.size() <= 64u * 1024);
    Vec<u8> all;
    auto ok = inflate(w.bytes.span(), all, 2u << 20);
    KASSERT(ok.is_ok());
    KEXPECT_EQ(*ok, w.bytes.size());
    KEXPECT_EQ(all.size(), 1u + 4000u * 258u);
}

KTEST(initramfs_gzip_longest_distance_and_overlap) {
    // A stored block of 33000 bytes (two blocks: 65535 max each is fine,
    // but use two to test block chaining), then a fixed block copying 258
    // bytes from 32768 back and 10 bytes from 1 back (overlapping copy).
    BitWriter w;
    Vec<u8> want;
    for (usize blk = 0; blk < 2; ++blk) {
        w.put(0, 1);
        w.put(0, 2);
        w.flush();
        u32 len = 16500;
        w.put(len, 16);
        w.put(~len & 0xffff, 16);
        for (u32 i = 0; i < len; ++i) {
            u8 b = u8((i * 7 + blk * 13) % 251);
            w.put(b, 8);
            MUST(want.try_push(b));
        }
    }
    w.put(1, 1);
    w.put(1, 2);
    w.fixed_lit(285); // length 258
    w.fixed_dist(29); // distance 24577 + 13 extra bits
    w.put(32768 - 24577, 13);
    w.fixed_lit(264); // length 10
    w.fixed_dist(0);  // distance 1
    w.fixed_lit(256);
    w.flush();
    usize base = want.size() - 32768;
    for (usize i = 0; i < 258; ++i) {
        u8 b = want[base + i];
        MUST(want.try_push(b));
    }
    u8 last = want[want.size() - 1];
    for (usize i = 0; i < 10; ++i) {
        MUST(want.try_push(last));
    }
    Vec<u8> out;
    auto r = inflate(w.bytes.span(), out, kMax);
    KASSERT(r.is_ok());
    KEXPECT_EQ(*r, w.bytes.size());
    KEXPECT(out == want);
    // The same stream as a gzip member, checked end to end.
    Vec<u8> gz = wrap_gzip(w.bytes.span(), crc32(want.span()), u32(want.size()));
    auto g = gunzip(gz.span(), kMax);
    KASSERT(g.is_ok());
    KEXPECT(*g == want);
}

KTEST(initramfs_gzip_invalid_streams_are_refused) {
    {
        BitWriter w; // reserved block type 3
        w.put(1, 1);
        w.put(3, 2);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    {
        BitWriter w; // distance 2 with only 1 byte of output
        w.put(1, 1);
        w.put(1, 2);
        w.fixed_lit('a');
        w.fixed_lit(257);
        w.fixed_dist(1);
        w.fixed_lit(256);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    {
        BitWriter w; // length symbol 286 (unused)
        w.put(1, 1);
        w.put(1, 2);
        w.fixed_lit('a');
        w.fixed_lit(286);
        w.fixed_dist(0);
        w.fixed_lit(256);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    {
        BitWriter w; // distance symbol 30 (unused)
        w.put(1, 1);
        w.put(1, 2);
        w.fixed_lit('a');
        w.fixed_lit(257);
        w.fixed_dist(30);
        w.fixed_lit(256);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    {
        BitWriter w; // stored block whose NLEN is not ~LEN
        w.put(1, 1);
        w.put(0, 2);
        w.flush();
        w.put(5, 16);
        w.put(5, 16);
        w.put(0, 32);
        w.put(0, 8);
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    {
        BitWriter w; // stored block longer than the input
        w.put(1, 1);
        w.put(0, 2);
        w.flush();
        w.put(1000, 16);
        w.put(~1000u & 0xffff, 16);
        w.put(0, 32);
        KEXPECT_EQ(inflate_error(w), Error::OutOfRange);
    }
}

KTEST(initramfs_gzip_invalid_dynamic_headers_are_refused) {
    // Three code-length codes of length 1: over-subscribed.
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 1, 1, 1, 0);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    // One code-length code of length 2: incomplete.
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 0, 0, 0, 2);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    // {0: code 0, 16: code 1}; the first length is "repeat previous".
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 1, 0, 0, 1);
        w.put_code(1, 1);
        w.put(0, 2);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    // {0: code 0, 18: code 1}: 258 zero lengths, so no end-of-block code.
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 0, 0, 1, 1);
        w.put_code(1, 1);
        w.put(127, 7); // 138 zeros
        w.put_code(1, 1);
        w.put(109, 7); // 120 zeros
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    // A repeat running past HLIT + HDIST (138 + 138 > 258).
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 0, 0, 1, 1);
        for (usize i = 0; i < 2; ++i) {
            w.put_code(1, 1);
            w.put(127, 7);
        }
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
    }
    // HLIT of 30 (287 codes) and HDIST of 31 (32 codes) exceed the limits.
    {
        BitWriter w;
        dynamic_header(w, 30, 0, 0, 0, 1, 1);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::InvalidArgument);
        BitWriter d;
        dynamic_header(d, 0, 31, 0, 0, 1, 1);
        d.flush();
        KEXPECT_EQ(inflate_error(d), Error::InvalidArgument);
    }
    // Only the header: the input ends inside the code lengths.
    {
        BitWriter w;
        dynamic_header(w, 0, 0, 0, 0, 1, 1);
        w.flush();
        KEXPECT_EQ(inflate_error(w), Error::OutOfRange);
    }
}

} // namespace services::initramfs
