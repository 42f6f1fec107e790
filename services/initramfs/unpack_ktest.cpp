// ktests of unpack_image: damaged images keep the entries before the damage
// and name it as Linux's unpack_to_rootfs does; an archive that just ends
// (no trailer, cut inside an entry) keeps its complete entries silently.
#include "cpio.h"
#include "testdata.h"

#include <keel/ktest.h>
#include <klib/array.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::initramfs {

namespace {

using klib::Span;
using klib::StringView;
using klib::Vec;

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

void put_hex8(Vec<u8>& v, u32 x) {
    for (u32 i = 8; i > 0; --i) {
        const u32 d = (x >> ((i - 1) * 4)) & 0xf;
        MUST(v.try_push(u8(d < 10 ? '0' + d : 'A' + (d - 10))));
    }
}

// A newc entry as GNU cpio writes it (`ino`, `nlink` for hard links).
void add_entry(Vec<u8>& v, StringView name, StringView data, u32 ino = 7, u32 nlink = 1,
               u32 mode = 0100644) {
    append_str(v, "070701");
    const klib::Array<u32, 13> f = {ino, mode, 0, 0, nlink, 0, u32(data.size()), 0, 0, 0, 0,
                                    u32(name.size() + 1), 0};
    for (u32 x : f) {
        put_hex8(v, x);
    }
    append_str(v, name);
    MUST(v.try_push(0));
    while (v.size() % 4 != 0) {
        MUST(v.try_push(0));
    }
    append_str(v, data);
    while (v.size() % 4 != 0) {
        MUST(v.try_push(0));
    }
}

// Three entries and a trailer.
Vec<u8> archive() {
    Vec<u8> v;
    add_entry(v, "a", "one");
    add_entry(v, "b", "two");
    add_entry(v, "c", "three");
    add_entry(v, "TRAILER!!!", "", 0, 1, 0);
    return v;
}

bool named(const Unpacked& u, usize i, StringView name) {
    return i < u.files.size() && u.files[i].name == name;
}

} // namespace

KTEST(initramfs_unpack_whole_image_reports_nothing) {
    Vec<u8> img = archive();
    Unpacked u = MUST(unpack_image(img.span()));
    KEXPECT_EQ(u.files.size(), 3u);
    KEXPECT(u.failure == Damage::None);
}

KTEST(initramfs_unpack_hard_links_come_back_as_stored) {
    // GNU cpio -H newc: every name of the inode, the data with the last.
    Vec<u8> img;
    add_entry(img, "x", "", 42, 2);
    add_entry(img, "y", "shared", 42, 2);
    add_entry(img, "TRAILER!!!", "", 0, 1, 0);
    Unpacked u = MUST(unpack_image(img.span()));
    KASSERT(u.files.size() == 2);
    KEXPECT_EQ(u.files[0].meta.ino, 42u);
    KEXPECT_EQ(u.files[0].meta.nlink, 2u);
    KEXPECT_EQ(u.files[0].data.size(), 0u);
    KEXPECT_EQ(u.files[1].data.size(), 6u);
}

KTEST(initramfs_unpack_no_trailer_or_cut_keeps_complete_entries) {
    Vec<u8> whole = archive();
    // Without the trailer entry: everything, nothing reported (Linux is
    // back in its reset state after each entry).
    Vec<u8> no_trailer;
    append(no_trailer, whole.span().span().first(whole.size() - 124));
    Unpacked u = MUST(unpack_image(no_trailer.span()));
    KEXPECT_EQ(u.files.size(), 3u);
    KEXPECT(u.failure == Damage::None);
    // Cut at every length: the entries wholly inside are kept, never an
    // error, never a report (an uncompressed archive just ends).
    for (usize n = 0; n <= whole.size(); ++n) {
        Unpacked cut = MUST(unpack_image(whole.span().span().first(n)));
        KEXPECT(cut.failure == Damage::None);
        KEXPECT_LE(cut.files.size(), 3u);
        if (n >= 116 + 4) {
            KEXPECT(named(cut, 0, "a"));
        }
    }
}

KTEST(initramfs_unpack_junk_keeps_what_came_before) {
    {
        Vec<u8> img = archive();
        append_str(img, "junk\n");
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT_EQ(u.files.size(), 3u);
        KEXPECT(u.failure == Damage::InvalidMagic);
        klib::String msg;
        MUST(damage_message(u.failure, msg));
        KEXPECT(msg == "invalid magic at start of compressed archive");
    }
    {
        Vec<u8> img = archive(); // "0..." that is no newc header
        append_str(img, "0123456789");
        for (usize i = 0; i < 120; ++i) {
            MUST(img.try_push('x'));
        }
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT_EQ(u.files.size(), 3u);
        KEXPECT(u.failure == Damage::NoCpioMagic);
    }
    {
        Vec<u8> img = archive(); // the old binary-header format
        append_str(img, "070707");
        for (usize i = 0; i < 120; ++i) {
            MUST(img.try_push('0'));
        }
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT(u.failure == Damage::OldCpio);
    }
    {
        Vec<u8> img = archive(); // a second archive after 1 byte of padding
        MUST(img.try_push(0));
        Vec<u8> second = archive();
        append(img, second.span());
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT_EQ(u.files.size(), 3u);
        KEXPECT(u.failure == Damage::BrokenPadding);
    }
    {
        Vec<u8> img = archive(); // a damaged gzip member after a good archive
        append(img, testdata::kCpioGz.span());
        img[img.size() - 6] = u8(img[img.size() - 6] ^ 1);
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT_EQ(u.files.size(), 3u);
        KEXPECT(u.failure == Damage::DecompressorFailed);
    }
    {
        Vec<u8> img = archive(); // xz: recognised, not built in
        append_str(img, "\xfd"
                        "7zXZ\x00");
        Unpacked u = MUST(unpack_image(img.span()));
        KEXPECT(u.failure == Damage::NoXz);
    }
}

KTEST(initramfs_unpack_gzip_member_whole) {
    Unpacked u = MUST(unpack_image(testdata::kCpioGz.span()));
    KEXPECT_EQ(u.files.size(), 7u);
    KEXPECT(u.failure == Damage::None);
}

} // namespace services::initramfs
