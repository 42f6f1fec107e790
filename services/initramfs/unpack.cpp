// unpack_image: Linux's unpack_to_rootfs over a whole initramfs image,
// keeping the entries before any damage and naming the damage as Linux
// does (see cpio.h).
#include "cpio.h"
#include "gzip.h"

namespace services::initramfs {

namespace {

using klib::Error;
using klib::Result;
using klib::Span;
using klib::StringView;
using klib::Vec;

bool has_prefix(Span<const u8> a, usize pos, StringView s) {
    if (a.size() - pos < s.size()) {
        return false;
    }
    for (usize i = 0; i < s.size(); ++i) {
        if (a[pos + i] != u8(s[i])) {
            return false;
        }
    }
    return true;
}

// Where a run of archives stopped: `pos`; `reset` when it stopped between
// archives (after a trailer and its zero padding) rather than inside one;
// `failure` the damage found, if any.
struct StreamEnd {
    usize pos = 0;
    bool reset = true;
    Damage failure = Damage::None;
};

// Linux's write_buffer state machine over `a` from `pos`: archives and the
// zero padding after each trailer. `inner`: the data came out of a gzip
// member (Linux's flush_buffer: anything but '0' or NUL where a header
// should start is junk); at the top level such a byte ends the run and
// the caller looks at it (another compressed member, or junk).
Result<StreamEnd> stream(Span<const u8> a, usize pos, bool inner, Vec<File>& files, usize& kept,
                         usize max_bytes) {
    // Linux goes back to its Reset state after every entry (the trailer
    // only ends the hard-link table): zeros are skipped, and what follows
    // must start at a 4-byte boundary.
    for (;;) {
        while (pos < a.size() && a[pos] == 0) {
            ++pos;
        }
        if (pos == a.size()) {
            return StreamEnd{pos, true, Damage::None};
        }
        if (pos % 4 != 0) {
            return StreamEnd{pos, true, Damage::BrokenPadding};
        }
        if (a[pos] != '0') {
            if (inner) {
                return StreamEnd{pos, true, Damage::JunkWithin};
            }
            return StreamEnd{pos, true, Damage::None}; // the caller looks at it
        }
        if (a.size() - pos < kNewcHeaderSize) {
            return StreamEnd{a.size(), false, Damage::None}; // ends inside a header
        }
        if (!has_prefix(a, pos, "070701") && !has_prefix(a, pos, "070702")) {
            if (has_prefix(a, pos, "070707")) {
                return StreamEnd{pos, false, Damage::OldCpio};
            }
            return StreamEnd{pos, false, Damage::NoCpioMagic};
        }
        auto e = parse_entry(a, pos);
        if (e.is_err()) {
            if (e.error() == Error::OutOfRange) {
                return StreamEnd{a.size(), false, Damage::None}; // ends inside a name or data
            }
            if (e.error() == Error::IoError) {
                return StreamEnd{pos, false, Damage::BadChecksum};
            }
            return StreamEnd{pos, false, Damage::NoCpioMagic}; // a header Linux would misread
        }
        if (!is_trailer(a, e.value())) {
            TRY(copy_file(a, e.value(), files, kept, max_bytes));
        }
        pos = e.value().next_offset;
    }
}

// The compressions Linux knows besides gzip, by magic (decompress_method).
Damage other_method(Span<const u8> a, usize pos) {
    if (has_prefix(a, pos, "BZh")) {
        return Damage::NoBzip2;
    }
    if (has_prefix(a, pos, "\x5d\x00\x00")) {
        return Damage::NoLzma;
    }
    if (has_prefix(a, pos, "\xfd" "7zXZ")) {
        return Damage::NoXz;
    }
    if (has_prefix(a, pos, "\x89LZO")) {
        return Damage::NoLzo;
    }
    if (has_prefix(a, pos, "\x02\x21\x4c\x18")) {
        return Damage::NoLz4;
    }
    if (has_prefix(a, pos, "\x28\xb5\x2f\xfd")) {
        return Damage::NoZstd;
    }
    return Damage::None;
}

} // namespace

namespace {

StringView message_of(Damage d) {
    switch (d) {
    case Damage::None:
        return "";
    case Damage::InvalidMagic:
        return "invalid magic at start of compressed archive";
    case Damage::JunkWithin:
        return "junk within compressed archive";
    case Damage::JunkAtEnd:
        return "junk at the end of compressed archive";
    case Damage::BrokenPadding:
        return "broken padding";
    case Damage::NoCpioMagic:
        return "no cpio magic";
    case Damage::OldCpio:
        return "incorrect cpio method used: use -H newc option";
    case Damage::BadChecksum:
        return "bad data checksum";
    case Damage::DecompressorFailed:
        return "decompressor failed";
    case Damage::NoBzip2:
        return "compression method bzip2 not configured";
    case Damage::NoLzma:
        return "compression method lzma not configured";
    case Damage::NoXz:
        return "compression method xz not configured";
    case Damage::NoLzo:
        return "compression method lzo not configured";
    case Damage::NoLz4:
        return "compression method lz4 not configured";
    case Damage::NoZstd:
        return "compression method zstd not configured";
    }
    return "";
}

} // namespace

Result<void> damage_message(Damage d, klib::String& out) {
    return out.try_append(message_of(d));
}

Result<Unpacked> unpack_image(Span<const u8> image, usize max_bytes) {
    Unpacked out;
    usize kept = 0;
    usize pos = 0;
    while (pos < image.size()) {
        const u8 c = image[pos];
        if (c == 0) {
            ++pos;
            continue;
        }
        if (c == '0' && pos % 4 == 0) {
            const StreamEnd end = TRY(stream(image, pos, false, out.files, kept, max_bytes));
            if (end.failure != Damage::None) {
                out.failure = end.failure;
                return out;
            }
            pos = end.pos;
            continue;
        }
        if (is_gzip(image.subspan(pos))) {
            Vec<u8> raw;
            auto used = gunzip_member(image.subspan(pos), raw, max_bytes);
            if (used.is_err()) {
                if (used.error() == Error::NoMemory || used.error() == Error::NoSpace) {
                    return used.error();
                }
                out.failure = Damage::DecompressorFailed;
                return out;
            }
            const StreamEnd end = TRY(stream(raw.span().span(), 0, true, out.files, kept, max_bytes));
            if (end.failure != Damage::None) {
                out.failure = end.failure;
                return out;
            }
            if (!end.reset) {
                out.failure = Damage::JunkAtEnd;
                return out;
            }
            pos += used.value();
            continue;
        }
        const Damage method = other_method(image, pos);
        out.failure = method == Damage::None ? Damage::InvalidMagic : method;
        return out;
    }
    return out;
}

} // namespace services::initramfs
