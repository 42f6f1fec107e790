// ktests of unpacking an initramfs into the root tmpfs: hard links as GNU
// cpio -H newc stores them, and many entries in one directory costing
// about what they cost spread over many directories.
#include "rootfs.h"

#include <keel/ktest.h>
#include <keel/log.h>
#include <keel/time.h>

namespace services::init {

namespace {

klib::Result<initramfs::File> entry(klib::StringView name, u32 mode, klib::StringView data, u32 ino = 1,
                                    u32 nlink = 1) {
    initramfs::File f;
    f.name = TRY(klib::String::from(name));
    f.meta.mode = mode;
    f.meta.ino = ino;
    f.meta.nlink = nlink;
    for (usize i = 0; i < data.size(); ++i) {
        TRY(f.data.try_push(u8(data[i])));
    }
    return f;
}

fs::FsContext context(const klib::Arc<fs::Namespace>& ns) {
    klib::Arc<fs::PathNode> root = ns->root();
    fs::FsContext ctx(ns.clone(), root.clone(), root.clone());
    ctx.umask = 0;
    return ctx;
}

klib::Result<klib::String> name_of(klib::StringView dir, u32 i) {
    klib::String s = TRY(klib::String::from(dir));
    TRY(s.try_append('/'));
    for (u32 k = 0, v = i; k < 6; ++k, v /= 26) {
        TRY(s.try_append(char('a' + v % 26)));
    }
    return s;
}

// Unpacks `dirs` directories with `per_dir` files each; returns the ns.
klib::Result<u64> unpack_spread(u32 dirs, u32 per_dir) {
    klib::Arc<fs::Namespace> ns = MUST(make_rootfs(1ull << 30)); // room for 40,000 inodes
    fs::FsContext ctx = context(ns);
    klib::Vec<initramfs::File> files;
    TRY(files.try_reserve(usize(dirs) * (per_dir + 1) + 1));
    TRY(files.try_push(TRY(entry("d", fs::S_IFDIR | 0755, ""))));
    for (u32 d = 0; d < dirs; ++d) {
        klib::String dir = TRY(name_of("d", d));
        TRY(files.try_push(TRY(entry(dir.view(), fs::S_IFDIR | 0755, ""))));
        for (u32 i = 0; i < per_dir; ++i) {
            klib::String n = TRY(name_of(dir.view(), i));
            TRY(files.try_push(TRY(entry(n.view(), fs::S_IFREG | 0644, ""))));
        }
    }
    const u64 t0 = keel::monotonic_ns();
    if (auto r = unpack_into(ctx, files); r.is_err()) {
        keel::log_error("rootfs ktest: unpack_into: errno {}", i64(r.error()));
        return klib::Error::NoMemory;
    }
    const u64 t1 = keel::monotonic_ns();
    const klib::String probe = TRY(name_of(TRY(name_of("d", dirs - 1)).view(), per_dir - 1));
    if (auto r = fs::resolve(ctx, ctx.root, probe.view(), false); r.is_err()) {
        keel::log_error("rootfs ktest: {} missing: errno {}", probe.view(), i64(r.error()));
        return klib::Error::NotFound;
    }
    return t1 - t0;
}

} // namespace

KTEST(init_rootfs_hard_links_share_the_last_entry_data) {
    klib::Arc<fs::Namespace> ns = MUST(make_rootfs(1ull << 20));
    fs::FsContext ctx = context(ns);
    klib::Vec<initramfs::File> files;
    MUST(files.try_push(MUST(entry("first", fs::S_IFREG | 0644, "", 9, 3))));
    MUST(files.try_push(MUST(entry("other", fs::S_IFREG | 0644, "x", 10, 1))));
    MUST(files.try_push(MUST(entry("second", fs::S_IFREG | 0644, "", 9, 3))));
    MUST(files.try_push(MUST(entry("last", fs::S_IFREG | 0644, "payload", 9, 3))));
    MUST(unpack_into(ctx, files));
    const fs::Stat a = MUST(fs::resolve(ctx, ctx.root, "first", false))->inode->stat();
    const fs::Stat b = MUST(fs::resolve(ctx, ctx.root, "second", false))->inode->stat();
    const fs::Stat c = MUST(fs::resolve(ctx, ctx.root, "last", false))->inode->stat();
    const fs::Stat o = MUST(fs::resolve(ctx, ctx.root, "other", false))->inode->stat();
    KEXPECT_EQ(a.ino, c.ino);
    KEXPECT_EQ(b.ino, c.ino);
    KEXPECT_NE(o.ino, c.ino);
    KEXPECT_EQ(c.nlink, 3u);
    KEXPECT_EQ(a.size, 7u); // the data came with the last name
    KEXPECT_EQ(o.size, 1u);
}

KTEST(init_rootfs_many_entries_in_one_directory_not_quadratic) {
    // Issue 13 measured 40,000 files in one directory at 9x the time of
    // the same files spread over 400 directories.
    const u64 spread = MUST(unpack_spread(400, 100));
    const u64 one = MUST(unpack_spread(1, 40000));
    keel::log_info("rootfs: 40000 files in 1 directory {} ms, over 400 directories {} ms", one / 1000000,
                   spread / 1000000);
    KEXPECT_LT(one, 2 * spread + 100000000);
}

} // namespace services::init
