// newc cpio reader and initramfs unpacker; see cpio.h. Written from the
// format description in Linux's Documentation/driver-api/early-userspace
// and cpio(5).
#include "cpio.h"

#include "../lib/bytes.h"
#include "gzip.h"

#include <klib/array.h>

namespace services::initramfs {

namespace {

using klib::Error;
using klib::Result;
using klib::Span;
using klib::StringView;
using klib::Vec;

constexpr usize kMagicSize = 6;
constexpr usize kFieldCount = 13;
constexpr usize kFieldSize = 8;

// One 8-digit hex field (either case).
Result<u32> hex8(Span<const u8> a, usize off) {
    u32 v = 0;
    for (usize i = 0; i < kFieldSize; ++i) {
        u8 c = a[off + i];
        u32 d = 0;
        if (c >= '0' && c <= '9') {
            d = u32(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = u32(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = u32(c - 'A' + 10);
        } else {
            return Error::InvalidArgument;
        }
        v = (v << 4) | d;
    }
    return v;
}

// 0 for "070701", 2 for "070702", none otherwise.
klib::Optional<u8> magic_kind(Span<const u8> a, usize off) {
    StringView want = "07070";
    for (usize i = 0; i < want.size(); ++i) {
        if (a[off + i] != u8(want[i])) {
            return klib::none;
        }
    }
    u8 last = a[off + 5];
    if (last == '1') {
        return u8(1);
    }
    if (last == '2') {
        return u8(2);
    }
    return klib::none;
}

// Length of the leading "/" and "./" components of a name (a
// Span<const u8> or a StringView).
template <typename S>
usize root_prefix(S s) {
    usize i = 0;
    for (;;) {
        if (i < s.size() && s[i] == '/') {
            ++i;
        } else if (i + 1 < s.size() && s[i] == '.' && s[i + 1] == '/') {
            i += 2;
        } else {
            return i;
        }
    }
}

bool starts_with(Span<const u8> a, StringView magic) {
    if (a.size() < magic.size()) {
        return false;
    }
    for (usize i = 0; i < magic.size(); ++i) {
        if (a[i] != u8(magic[i])) {
            return false;
        }
    }
    return true;
}

// The other compressions Linux may be built with (bzip2, lzma, xz, lzo,
// lz4, zstd): recognised so that they are reported as Unsupported.
bool other_compression(Span<const u8> a) {
    return starts_with(a, "BZh") || starts_with(a, "\x5d\x00\x00") ||
           starts_with(a, "\xfd"
                          "7zXZ") ||
           starts_with(a, "\x89LZO") || starts_with(a, "\x02\x21\x4c\x18") ||
           starts_with(a, "\x28\xb5\x2f\xfd");
}

} // namespace

Result<void> copy_file(Span<const u8> a, const Entry& e, Vec<File>& files, usize& kept,
                       usize max_bytes) {
    if (kept > max_bytes || e.data_size > max_bytes - kept) {
        return Error::NoSpace;
    }
    File f;
    f.meta = e.meta;
    for (usize i = 0; i < e.name_size; ++i) {
        TRY(f.name.try_append(char(a[e.name_offset + i])));
    }
    TRY(f.data.try_reserve(e.data_size));
    for (usize i = 0; i < e.data_size; ++i) {
        TRY(f.data.try_push(a[e.data_offset + i]));
    }
    kept += e.data_size;
    TRY(files.try_push(klib::move(f)));
    return {};
}

Result<Entry> parse_entry(Span<const u8> a, usize offset) {
    if (offset % 4 != 0) {
        return Error::InvalidArgument;
    }
    if (!lib::in_bounds(a.size(), offset, kNewcHeaderSize)) {
        return Error::OutOfRange;
    }
    klib::Optional<u8> kind = magic_kind(a, offset);
    if (!kind) {
        return Error::InvalidArgument;
    }
    klib::Array<u32, kFieldCount> f{};
    for (usize i = 0; i < kFieldCount; ++i) {
        f[i] = TRY(hex8(a, offset + kMagicSize + i * kFieldSize));
    }
    Entry e;
    e.meta = Meta{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[12]};
    u32 name_size = f[11];
    if (name_size == 0 || name_size > kMaxNameSize) {
        return Error::InvalidArgument;
    }
    e.header_offset = offset;
    e.name_offset = offset + kNewcHeaderSize;
    if (!lib::in_bounds(a.size(), e.name_offset, name_size)) {
        return Error::OutOfRange;
    }
    e.name_size = name_size - 1;
    for (usize i = 0; i < e.name_size; ++i) {
        if (a[e.name_offset + i] == 0) {
            return Error::InvalidArgument; // NUL inside the name
        }
    }
    if (a[e.name_offset + e.name_size] != 0) {
        return Error::InvalidArgument; // not NUL-terminated
    }
    // Offsets are relative to the archive start (headers are aligned).
    usize name_end = e.name_offset + name_size;
    e.data_size = e.meta.file_size;
    e.data_offset = usize(TRY(lib::align_up(name_end, 4)));
    if (e.data_size == 0) {
        e.data_offset = klib::min(e.data_offset, a.size()); // unpadded last entry
    } else if (!lib::in_bounds(a.size(), e.data_offset, e.data_size)) {
        return Error::OutOfRange;
    }
    u64 next = TRY(lib::align_up(TRY(lib::checked_add(e.data_offset, e.data_size)), 4));
    e.next_offset = usize(klib::min(next, u64(a.size())));
    if (*kind == 2) {
        u32 sum = 0;
        for (usize i = 0; i < e.data_size; ++i) {
            sum += a[e.data_offset + i];
        }
        if (sum != e.meta.check) {
            return Error::IoError;
        }
    }
    return e;
}

bool is_trailer(Span<const u8> a, const Entry& e) {
    StringView t = "TRAILER!!!";
    if (e.name_size != t.size()) {
        return false;
    }
    for (usize i = 0; i < t.size(); ++i) {
        if (a[e.name_offset + i] != u8(t[i])) {
            return false;
        }
    }
    return true;
}

bool name_equals(Span<const u8> a, const Entry& e, StringView path) {
    Span<const u8> name = a.subspan(e.name_offset, e.name_size);
    usize i = root_prefix(name);
    usize j = root_prefix(path);
    if (name.size() - i != path.size() - j) {
        return false;
    }
    for (; i < name.size(); ++i, ++j) {
        if (name[i] != u8(path[j])) {
            return false;
        }
    }
    return true;
}

Result<usize> for_each(Span<const u8> a, usize offset, Visitor visit) {
    usize pos = offset;
    for (;;) {
        Entry e = TRY(parse_entry(a, pos));
        if (is_trailer(a, e)) {
            return e.next_offset;
        }
        TRY(visit(a, e));
        pos = e.next_offset; // > pos: a header is 110 bytes
    }
}

Result<void> for_each_all(Span<const u8> a, Visitor visit) {
    usize pos = 0;
    while (pos < a.size()) {
        if (a[pos] == 0) {
            ++pos;
            continue;
        }
        if (a[pos] != '0') {
            return Error::InvalidArgument; // junk between archives
        }
        pos = TRY(for_each(a, pos, visit));
    }
    return {};
}

klib::Optional<Entry> find(Span<const u8> archives, StringView path) {
    klib::Optional<Entry> hit;
    auto r = for_each_all(archives, [&](Span<const u8> a, const Entry& e) -> Result<void> {
        if (name_equals(a, e, path)) {
            hit = e;
        }
        return {};
    });
    if (r.is_err()) {
        return klib::none;
    }
    return hit;
}

Result<Vec<File>> unpack_all(Span<const u8> image, usize max_bytes) {
    Vec<File> files;
    usize kept = 0;
    usize pos = 0;
    while (pos < image.size()) {
        u8 c = image[pos];
        if (c == 0) {
            ++pos; // padding
        } else if (c == '0') {
            pos = TRY(for_each(image, pos, [&](Span<const u8> a, const Entry& e) -> Result<void> {
                return copy_file(a, e, files, kept, max_bytes);
            }));
        } else if (is_gzip(image.subspan(pos))) {
            Vec<u8> raw;
            pos += TRY(gunzip_member(image.subspan(pos), raw, max_bytes));
            TRY(for_each_all(raw.span(), [&](Span<const u8> a, const Entry& e) -> Result<void> {
                return copy_file(a, e, files, kept, max_bytes);
            }));
        } else if (other_compression(image.subspan(pos))) {
            return Error::Unsupported;
        } else {
            return Error::InvalidArgument; // junk
        }
    }
    return files;
}

klib::Optional<usize> find(const Vec<File>& files, StringView path) {
    usize j = root_prefix(path);
    for (usize n = files.size(); n > 0; --n) {
        StringView name = files[n - 1].name.view();
        usize i = root_prefix(name);
        if (name.substr(i) == path.substr(j)) {
            return n - 1;
        }
    }
    return klib::none;
}

} // namespace services::initramfs
