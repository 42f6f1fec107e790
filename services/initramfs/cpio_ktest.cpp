// ktests of the newc cpio reader and the initramfs unpacker: a fixture
// written by an independent newc writer (services/lib/gen_testdata.py),
// archives built here with damaged fields, every truncation and every byte
// corrupted: always an error Result, never a trap.
#include "cpio.h"
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
using klib::Result;
using klib::Span;
using klib::StringView;
using klib::Vec;

using services::lib::err;

bool bytes_equal(Span<const u8> a, StringView s) {
    if (a.size() != s.size()) {
        return false;
    }
    for (usize i = 0; i < s.size(); ++i) {
        if (a[i] != u8(s[i])) {
            return false;
        }
    }
    return true;
}

bool data_is(Span<const u8> archive, const Entry& e, StringView s) {
    return bytes_equal(archive.subspan(e.data_offset, e.data_size), s);
}

void append(Vec<u8>& v, Span<const u8> s) {
    for (usize i = 0; i < s.size(); ++i) {
        MUST(v.try_push(s[i]));
    }
}

void append_str(Vec<u8>& v, StringView s) {
    for (usize i = 0; i < s.size(); ++i) {
        MUST(v.try_push(u8(s[i])));
    }
}

void pad4(Vec<u8>& v) {
    while (v.size() % 4 != 0) {
        MUST(v.try_push(0));
    }
}

void put_hex8(Vec<u8>& v, u32 x) {
    for (u32 i = 8; i > 0; --i) {
        u32 d = (x >> ((i - 1) * 4)) & 0xf;
        MUST(v.try_push(u8(d < 10 ? '0' + d : 'A' + (d - 10))));
    }
}

// Overwrites header field `field` (0 = ino ... 11 = namesize, 12 = check)
// of the header at `hdr`.
void set_field(Vec<u8>& v, usize hdr, usize field, u32 x) {
    Vec<u8> hex;
    put_hex8(hex, x);
    for (usize i = 0; i < 8; ++i) {
        v[hdr + 6 + field * 8 + i] = hex[i];
    }
}

// Appends a newc entry (name NUL-terminated, header+name and data padded).
void add_entry(Vec<u8>& v, StringView name, StringView data, u32 mode = 0100644) {
    append_str(v, "070701");
    klib::Array<u32, 13> f = {
        7, mode, 0, 0, 1, 0, u32(data.size()), 0, 0, 0, 0, u32(name.size() + 1), 0};
    for (usize i = 0; i < f.size(); ++i) {
        put_hex8(v, f[i]);
    }
    append_str(v, name);
    MUST(v.try_push(0));
    pad4(v);
    append_str(v, data);
    pad4(v);
}

void add_trailer(Vec<u8>& v) {
    add_entry(v, "TRAILER!!!", "", 0);
}

// Header offset of the entry named `name` in the fixture.
usize header_of(Span<const u8> a, StringView name) {
    klib::Optional<Entry> e = find(a, name);
    return e ? e->header_offset : 0;
}

Vec<u8> fixture() {
    Vec<u8> v;
    append(v, testdata::kCpio.span());
    return v;
}

Error walk_error(const Vec<u8>& v) {
    return err(
        for_each(v.span(), 0, [](Span<const u8>, const Entry&) -> Result<void> { return {}; }));
}

} // namespace

KTEST(initramfs_cpio_parses_fixture) {
    Span<const u8> a = testdata::kCpio.span();
    Vec<Entry> seen;
    auto end = for_each(a, 0, [&](Span<const u8>, const Entry& e) -> Result<void> {
        TRY(seen.try_push(e));
        return {};
    });
    KASSERT(end.is_ok());
    KASSERT(seen.size() == 7);
    KEXPECT(name_equals(a, seen[0], "."));
    KEXPECT_EQ(seen[0].meta.mode, 040755u);
    KEXPECT_EQ(seen[0].meta.nlink, 3u);
    KEXPECT_EQ(seen[0].meta.mtime, 0x65000000u);
    const Entry& hello = seen[2];
    KEXPECT(name_equals(a, hello, "bin/hello"));
    KEXPECT_EQ(hello.meta.mode, 0100755u);
    KEXPECT_EQ(hello.meta.mode & kModeTypeMask, kModeRegular);
    KEXPECT_EQ(hello.meta.uid, 1000u);
    KEXPECT_EQ(hello.meta.gid, 100u);
    KEXPECT_EQ(hello.meta.mtime, 0x65000001u);
    KEXPECT_EQ(hello.meta.dev_major, 8u);
    KEXPECT_EQ(hello.meta.dev_minor, 1u);
    KEXPECT_EQ(hello.meta.file_size, 21u);
    KEXPECT_EQ(hello.data_offset % 4, 0u);
    KEXPECT(data_is(a, hello, "#!/bin/sh\necho hello\n"));
    KEXPECT_EQ(seen[4].meta.mode & kModeTypeMask, kModeSymlink);
    KEXPECT(data_is(a, seen[4], "bin/hello"));
    KEXPECT(name_equals(a, seen[5], "dev/console"));
    KEXPECT_EQ(seen[5].meta.mode & kModeTypeMask, kModeCharDev);
    KEXPECT_EQ(seen[5].meta.rdev_major, 5u);
    KEXPECT_EQ(seen[5].meta.rdev_minor, 1u);
    KEXPECT_EQ(seen[6].data_size, 0u);
    // The rest of the 512-byte-padded archive is zeros.
    KEXPECT(*end < a.size());
    for (usize i = *end; i < a.size(); ++i) {
        KEXPECT_EQ(a[i], 0u);
    }
    KEXPECT(
        for_each_all(a, [](Span<const u8>, const Entry&) -> Result<void> { return {}; }).is_ok());
}

KTEST(initramfs_cpio_find_normalises_leading_slash_and_dot) {
    Span<const u8> a = testdata::kCpio.span();
    klib::Optional<Entry> init = find(a, "init");
    KASSERT(init.has_value());
    KEXPECT(data_is(a, *init, "init data 12345"));
    KEXPECT(find(a, "/init").has_value());
    KEXPECT(find(a, "./init").has_value());
    KEXPECT(find(a, "//./bin/hello").has_value());
    KEXPECT(!find(a, "ini").has_value());
    KEXPECT(!find(a, "init2").has_value());
    KEXPECT(!find(a, "bin/hello/x").has_value());
    KEXPECT(!find(a, "TRAILER!!!").has_value());
    KEXPECT(!find(Span<const u8>(), "init").has_value());
}

KTEST(initramfs_cpio_checksummed_070702) {
    Span<const u8> a = testdata::kCpioCrc.span();
    klib::Optional<Entry> motd = find(a, "etc/motd");
    KASSERT(motd.has_value());
    KEXPECT_EQ(motd->meta.check, 1544u); // byte sum
    Vec<u8> v;
    append(v, a);
    v[motd->data_offset] = u8(v[motd->data_offset] + 1);
    KEXPECT_EQ(walk_error(v), Error::IoError);
    Vec<u8> w;
    append(w, a);
    set_field(w, 0, 12, motd->meta.check + 1);
    KEXPECT_EQ(walk_error(w), Error::IoError);
}

KTEST(initramfs_cpio_every_truncation_fails) {
    Span<const u8> a = testdata::kCpio.span();
    usize end =
        MUST(for_each(a, 0, [](Span<const u8>, const Entry&) -> Result<void> { return {}; }));
    for (usize n = 0; n <= a.size(); ++n) {
        auto r = for_each(a.first(n), 0,
                          [](Span<const u8>, const Entry&) -> Result<void> { return {}; });
        // Cut before the end of the trailer's name (3 bytes of padding
        // before `end`): error; after: the trailer is found (its padding
        // and the archive padding are optional).
        if (n < end - 3) {
            KEXPECT(r.is_err());
        } else {
            KEXPECT(r.is_ok());
        }
        auto u = unpack_all(a.first(n));
        KEXPECT(u.is_err() == (n > 0 && n < end - 3)); // empty image: no files
    }
    Span<const u8> c = testdata::kCpioCrc.span();
    for (usize n = 1; n + 3 < c.size(); ++n) {
        KEXPECT(!find(c.first(n), "etc/motd").has_value());
        KEXPECT(unpack_all(c.first(n)).is_err());
    }
}

KTEST(initramfs_cpio_bad_magic_and_hex_fields) {
    {
        Vec<u8> v = fixture();
        v[5] = '7'; // "070707" is the old binary-portable format
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = fixture();
        v[0] = 'x';
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    klib::Array<u8, 5> bad = {'g', ' ', '-', 'x', 0};
    for (usize i = 0; i < bad.size(); ++i) {
        for (usize field = 0; field < 13; ++field) {
            Vec<u8> v = fixture();
            v[6 + field * 8 + (field % 8)] = bad[i];
            KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
        }
    }
    {
        Vec<u8> v = fixture(); // lower-case hex is fine
        StringView lower = "000041ed";
        for (usize i = 0; i < 8; ++i) {
            v[6 + 8 + i] = u8(lower[i]);
        }
        KEXPECT(walk_error(v) == Error::BadState);
        KEXPECT_EQ(MUST(parse_entry(v.span(), 0)).meta.mode, 040755u);
    }
    KEXPECT_EQ(err(parse_entry(testdata::kCpio.span(), 2)), Error::InvalidArgument);
    KEXPECT_EQ(err(parse_entry(testdata::kCpio.span(), 1022)), Error::InvalidArgument);
    KEXPECT_EQ(err(parse_entry(testdata::kCpio.span(), 1024)), Error::OutOfRange);
}

KTEST(initramfs_cpio_bad_names) {
    Span<const u8> a = testdata::kCpio.span();
    usize hello = header_of(a, "bin/hello");
    KASSERT(hello != 0);
    {
        Vec<u8> v = fixture();
        set_field(v, hello, 11, 0);
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = fixture();
        set_field(v, hello, 11, 4097);
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = fixture();
        set_field(v, hello, 11, 0xffffffff);
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = fixture(); // namesize excludes the NUL
        set_field(v, hello, 11, 9);
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = fixture(); // NUL inside the name
        v[hello + 110 + 3] = 0;
        KEXPECT_EQ(walk_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v; // name running past the end of the buffer
        add_entry(v, "abc", "");
        set_field(v, 0, 11, 200);
        KEXPECT_EQ(walk_error(v), Error::OutOfRange);
    }
}

KTEST(initramfs_cpio_bad_sizes) {
    Span<const u8> a = testdata::kCpio.span();
    usize hello = header_of(a, "bin/hello");
    KASSERT(hello != 0);
    klib::Array<u32, 4> sizes = {0xffffffffu, 0x80000000u, 1000u, 1024u - 128u};
    for (usize i = 0; i < sizes.size(); ++i) {
        Vec<u8> v = fixture();
        set_field(v, hello, 6, sizes[i]);
        KEXPECT_EQ(walk_error(v), Error::OutOfRange);
        KEXPECT(unpack_all(v.span()).is_err());
    }
    {
        // A size that stays inside the buffer lands the next header in the
        // middle of data or padding: refused, not misparsed.
        Vec<u8> v = fixture();
        set_field(v, hello, 6, 25);
        KEXPECT(walk_error(v) != Error::BadState);
    }
    {
        Vec<u8> v; // no trailer
        add_entry(v, "a", "xyz");
        KEXPECT_EQ(walk_error(v), Error::OutOfRange);
    }
}

KTEST(initramfs_cpio_every_byte_corrupted_never_traps) {
    klib::Array<u8, 4> values = {0, '0', 'F', 0xff};
    usize ok = 0;
    for (usize i = 0; i < 560; ++i) {
        for (usize k = 0; k < values.size(); ++k) {
            Vec<u8> v = fixture();
            v[i] = values[k];
            if (walk_error(v) == Error::BadState) {
                ++ok;
            }
            auto u = unpack_all(v.span());
            (void)find(v.span(), "init");
            if (u.is_ok()) {
                KEXPECT(u->size() <= 7);
            }
        }
    }
    KEXPECT(ok > 0); // e.g. a changed uid is still a valid archive
}

KTEST(initramfs_cpio_visitor_error_stops_the_walk) {
    usize calls = 0;
    auto r = for_each(testdata::kCpio.span(), 0, [&](Span<const u8>, const Entry&) -> Result<void> {
        if (++calls == 3) {
            return Error::Busy;
        }
        return {};
    });
    KEXPECT_EQ(err(r), Error::Busy);
    KEXPECT_EQ(calls, 3u);
}

KTEST(initramfs_cpio_unpack_gzip_archive) {
    auto r = unpack_all(testdata::kCpioGz.span());
    KASSERT(r.is_ok());
    Vec<File>& files = *r;
    KASSERT(files.size() == 7);
    KEXPECT(files[2].name == "bin/hello");
    KEXPECT(bytes_equal(files[2].data.span(), "#!/bin/sh\necho hello\n"));
    KEXPECT_EQ(files[2].meta.uid, 1000u);
    klib::Optional<usize> i = find(files, "/init");
    KASSERT(i.has_value());
    KEXPECT(bytes_equal(files[*i].data.span(), "init data 12345"));
    KEXPECT(!find(files, "nope").has_value());
}

KTEST(initramfs_cpio_unpack_concatenated_archives) {
    // plain archive + padding + gzip archive + padding + plain archive
    // (070702) + a small archive built here, as Linux accepts.
    Vec<u8> img;
    append(img, testdata::kCpio.span());
    for (usize i = 0; i < 4; ++i) {
        MUST(img.try_push(0));
    }
    append(img, testdata::kCpioGz.span());
    while (img.size() % 4 != 0) {
        MUST(img.try_push(0));
    }
    append(img, testdata::kCpioCrc.span());
    Vec<u8> extra;
    add_entry(extra, "init", "second init");
    add_entry(extra, "dir", "", 040755);
    add_trailer(extra);
    append(img, extra.span());
    auto r = unpack_all(img.span());
    KASSERT(r.is_ok());
    KEXPECT_EQ(r->size(), 7u + 7u + 1u + 2u);
    klib::Optional<usize> init = find(*r, "init");
    KASSERT(init.has_value());
    KEXPECT_EQ(*init, 15u); // the last one wins
    KEXPECT(bytes_equal((*r)[*init].data.span(), "second init"));
    klib::Optional<usize> motd = find(*r, "etc/motd");
    KASSERT(motd.has_value());
    KEXPECT_EQ(*motd, 14u);
    // find() over uncompressed archives sees the same "last wins".
    klib::Optional<Entry> e = find(extra.span(), "init");
    KASSERT(e.has_value());
    KEXPECT(data_is(extra.span(), *e, "second init"));
}

KTEST(initramfs_cpio_unpack_refuses_junk_and_misalignment) {
    {
        Vec<u8> img;
        append(img, testdata::kCpioCrc.span());
        append_str(img, "junk");
        KEXPECT_EQ(err(unpack_all(img.span())), Error::InvalidArgument);
        KEXPECT(!find(img.span(), "etc/motd").has_value());
    }
    {
        Vec<u8> img; // the second archive starts at an odd offset
        append(img, testdata::kCpioCrc.span());
        MUST(img.try_push(0));
        append(img, testdata::kCpioCrc.span());
        KEXPECT_EQ(err(unpack_all(img.span())), Error::InvalidArgument);
    }
    {
        Vec<u8> img; // a corrupt gzip member
        append(img, testdata::kCpioGz.span());
        img[img.size() - 6] = u8(img[img.size() - 6] ^ 1);
        KEXPECT_EQ(err(unpack_all(img.span())), Error::IoError);
    }
    {
        Vec<u8> img; // xz and bzip2 archives are recognised, not supported
        append(img, testdata::kCpioCrc.span());
        append_str(img, "\xfd"
                        "7zXZ\x00");
        KEXPECT_EQ(err(unpack_all(img.span())), Error::Unsupported);
        Vec<u8> bz;
        append_str(bz, "BZh91AY&SY");
        KEXPECT_EQ(err(unpack_all(bz.span())), Error::Unsupported);
    }
    {
        Vec<u8> img; // zero padding only: nothing to unpack
        for (usize i = 0; i < 64; ++i) {
            MUST(img.try_push(0));
        }
        auto r = unpack_all(img.span());
        KASSERT(r.is_ok());
        KEXPECT_EQ(r->size(), 0u);
    }
}

KTEST(initramfs_cpio_unpack_bounds_memory) {
    // 21 + 15 + 9 bytes of file data in the fixture.
    KEXPECT(unpack_all(testdata::kCpio.span(), 45).is_ok());
    KEXPECT_EQ(err(unpack_all(testdata::kCpio.span(), 44)), Error::NoSpace);
    // The gzip member inflates to 1024 bytes.
    KEXPECT_EQ(err(unpack_all(testdata::kCpioGz.span(), 1000)), Error::NoSpace);
}

} // namespace services::initramfs
