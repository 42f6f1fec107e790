// ktests of the VFS internals: tmpfs (names, data, sparse files, limits,
// rename variants, readdir positions), path resolution (".", "..",
// symlinks, ELOOP, trailing slashes), mounts, the device registry.
#include "dcache.h"
#include "device.h"
#include "filesystems.h"
#include "pipe.h"
#include "tmpfs.h"
#include "vfs.h"

#include <keel/ktest.h>
#include <keel/task.h>
#include <keel/time.h>

namespace services::fs {

namespace {

// An Errno as a number (0: success), for KEXPECT_EQ.
template <typename T>
i64 code(const klib::Result<T, Errno>& r) {
    return r.is_err() ? i64(r.error()) : 0;
}
i64 code_of(Errno e) {
    return i64(e);
}

struct World {
    klib::Arc<Namespace> ns;
    FsContext ctx;
};

klib::Result<World> world(u64 max_bytes = 1ull << 20) {
    klib::Arc<TmpFs> tmp = TRY(TmpFs::make(next_anon_dev(), max_bytes, 0755));
    klib::Arc<Namespace> ns = TRY(Namespace::make(klib::Arc<FileSystem>(klib::move(tmp)), "t", "tmpfs"));
    klib::Arc<PathNode> root = ns->root();
    FsContext ctx(ns.clone(), root.clone(), root.clone());
    return World{klib::move(ns), klib::move(ctx)};
}

klib::Result<void, Errno> write_str(const FsContext& c, klib::StringView path, klib::StringView data) {
    klib::Arc<File> f = TRY(open(c, c.root, path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    usize done = 0;
    TRY(f->write(0, data.size(), [&](klib::Span<u8> out) -> klib::Result<void, Errno> {
        for (usize i = 0; i < out.size(); ++i) {
            out[i] = u8(data[done + i]);
        }
        done += out.size();
        return {};
    }));
    return {};
}

klib::Result<klib::String, Errno> read_str(const FsContext& c, klib::StringView path) {
    klib::Arc<File> f = TRY(open(c, c.root, path, O_RDONLY, 0));
    klib::String out;
    TRY(f->read(0, 1 << 20, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        for (u8 b : part) {
            if (out.try_append(char(b)).is_err()) {
                return Errno::ENOMEM;
            }
        }
        return {};
    }));
    return out;
}

u64 ino_of(const FsContext& c, klib::StringView path) {
    auto n = resolve(c, c.root, path, false);
    return n.is_ok() ? n.value()->inode->stat().ino : 0;
}

} // namespace

KTEST(vfs_create_read_write_unlink) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    KEXPECT_EQ(code(mknod(c, c.root, "/d", S_IFDIR | 0755, 0)), 0);
    KEXPECT_EQ(code(write_str(c, "/d/f", "hello")), 0);
    KEXPECT(MUST(read_str(c, "/d/f")) == "hello");
    KEXPECT_EQ(MUST(resolve(c, c.root, "/d", true))->inode->stat().nlink, 2u);
    KEXPECT_EQ(code(mknod(c, c.root, "/d/f", S_IFREG | 0644, 0)), code_of(Errno::EEXIST));
    KEXPECT_EQ(code(mknod(c, c.root, "/d/sub", S_IFDIR | 0755, 0)), 0);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/d", true))->inode->stat().nlink, 3u);
    KEXPECT_EQ(code(rmdir(c, c.root, "/d")), code_of(Errno::ENOTEMPTY));
    KEXPECT_EQ(code(unlink(c, c.root, "/d/sub")), code_of(Errno::EISDIR));
    KEXPECT_EQ(code(rmdir(c, c.root, "/d/f")), code_of(Errno::ENOTDIR));
    // Unlink while open: the data stays readable through the open file.
    klib::Arc<File> f = MUST(open(c, c.root, "/d/f", O_RDONLY, 0));
    KEXPECT_EQ(code(unlink(c, c.root, "/d/f")), 0);
    KEXPECT_EQ(code(resolve(c, c.root, "/d/f", true)), code_of(Errno::ENOENT));
    KEXPECT_EQ(MUST(f->stat()).nlink, 0u);
    usize n = 0;
    (void)f->read(0, 100, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        n += part.size();
        return {};
    });
    KEXPECT_EQ(n, 5u);
    KEXPECT_EQ(code(rmdir(c, c.root, "/d/sub")), 0);
    KEXPECT_EQ(code(rmdir(c, c.root, "/d")), 0);
    KEXPECT_EQ(code(rmdir(c, c.root, "/")), code_of(Errno::EBUSY));
}

KTEST(vfs_path_resolution) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/a", S_IFDIR | 0755, 0));
    MUST(mknod(c, c.root, "/a/b", S_IFDIR | 0755, 0));
    MUST(write_str(c, "/a/f", "x"));
    MUST(symlink(c, "f", c.root, "/a/l"));
    MUST(symlink(c, "/a/b", c.root, "/a/abs"));
    MUST(symlink(c, "loop2", c.root, "/a/loop1"));
    MUST(symlink(c, "loop1", c.root, "/a/loop2"));
    MUST(symlink(c, "nope", c.root, "/a/dangling"));
    const u64 f = ino_of(c, "/a/f");
    KEXPECT_NE(f, 0u);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/a/./b/../f", true))->inode->stat().ino, f);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/../../a//f", true))->inode->stat().ino, f);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/a/l", true))->inode->stat().ino, f);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/a/l", false))->inode->stat().type(), S_IFLNK);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/a/abs/..", true))->inode->stat().ino, ino_of(c, "/a"));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/loop1", true)), code_of(Errno::ELOOP));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/loop1/x", true)), code_of(Errno::ELOOP));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/dangling", true)), code_of(Errno::ENOENT));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/f/", true)), code_of(Errno::ENOTDIR));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/f/x", true)), code_of(Errno::ENOTDIR));
    KEXPECT_EQ(code(resolve(c, c.root, "", true)), code_of(Errno::ENOENT));
    KEXPECT_EQ(code(resolve(c, c.root, "/a/b/", true)), 0);
    // A chain of 40 symlinks resolves; 41 is ELOOP.
    MUST(symlink(c, "f", c.root, "/a/s0"));
    for (u32 i = 1; i <= 40; ++i) {
        klib::String target;
        klib::String name;
        MUST(target.try_append("s"));
        MUST(name.try_append("/a/s"));
        klib::Array<char, 3> digits{};
        u32 v = i - 1;
        usize nd = 0;
        do {
            digits[nd++] = char('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (usize k = nd; k > 0; --k) {
            MUST(target.try_append(digits[k - 1]));
        }
        v = i;
        nd = 0;
        do {
            digits[nd++] = char('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (usize k = nd; k > 0; --k) {
            MUST(name.try_append(digits[k - 1]));
        }
        MUST(symlink(c, target.view(), c.root, name.view()));
    }
    KEXPECT_EQ(MUST(resolve(c, c.root, "/a/s39", true))->inode->stat().ino, f);
    KEXPECT_EQ(code(resolve(c, c.root, "/a/s40", true)), code_of(Errno::ELOOP));
    // Names of 255 bytes are fine, 256 is ENAMETOOLONG.
    klib::String long_name;
    MUST(long_name.try_append("/"));
    for (int i = 0; i < 255; ++i) {
        MUST(long_name.try_append('n'));
    }
    KEXPECT_EQ(code(write_str(c, long_name.view(), "")), 0);
    MUST(long_name.try_append('n'));
    KEXPECT_EQ(code(write_str(c, long_name.view(), "")), code_of(Errno::ENAMETOOLONG));
    KEXPECT(MUST(path_string(c, MUST(resolve(c, c.root, "/a/abs", true)))) == "/a/b");
}

KTEST(vfs_sparse_files_and_truncate) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    klib::Arc<File> f = MUST(open(c, c.root, "/s", O_RDWR | O_CREAT, 0644));
    const klib::Array<u8, 3> abc = {'a', 'b', 'c'};
    MUST(f->write(1 << 20, 3, [&](klib::Span<u8> out) -> klib::Result<void, Errno> {
        (void)klib::copy(out, abc.span());
        return {};
    }));
    const Stat st = MUST(f->stat());
    KEXPECT_EQ(st.size, (1u << 20) + 3);
    KEXPECT_EQ(st.blocks, 8u); // one page
    u64 zeros = 0;
    u64 total = 0;
    MUST(f->read(0, 2 << 20, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        for (u8 b : part) {
            zeros += b == 0 ? 1 : 0;
        }
        total += part.size();
        return {};
    }));
    KEXPECT_EQ(total, (1u << 20) + 3);
    KEXPECT_EQ(zeros, 1u << 20);
    SetAttr a;
    a.size = u64(2);
    MUST(f->inode().value()->set_attr(a));
    KEXPECT_EQ(MUST(f->stat()).blocks, 0u);
    a.size = u64(4096 + 10);
    MUST(f->inode().value()->set_attr(a));
    KEXPECT_EQ(MUST(f->stat()).size, 4106u);
}

// A tmpfs file's data is its inode's page cache: the same object on every
// call, written by write_at, charged to the instance, freed with the inode.
KTEST(vfs_tmpfs_file_data_is_the_inode_page_cache) {
    World w = MUST(world(64 * 4096));
    const StatFs before = w.ns->root()->mount->fs->statfs();
    {
        KEXPECT_EQ(code(write_str(w.ctx, "f", "hello")), 0);
        klib::Arc<PathNode> node = MUST(resolve(w.ctx, w.ctx.root, "f", true));
        klib::Optional<klib::Arc<mm::PageCache>> c1 = node->inode->page_cache();
        klib::Optional<klib::Arc<mm::PageCache>> c2 = node->inode->page_cache();
        KASSERT(c1.has_value() && c2.has_value());
        KEXPECT_EQ(c1.value()->id(), c2.value()->id());
        KEXPECT_EQ(c1.value()->size(), u64(5));
        keel::Frame f = MUST(c1.value()->page(0));
        KEXPECT_EQ(MUST(f.read_val<u8>(1)), u8('e'));
        // A store in the frame (a shared mapping) is what read(2) returns.
        MUST(f.write_val<u8>(0, 'j'));
        klib::String s = MUST(read_str(w.ctx, "f"));
        KEXPECT(s.view() == "jello");
        KEXPECT_EQ(w.ns->root()->mount->fs->statfs().bfree, before.bfree - 1);
        KEXPECT(!MUST(resolve(w.ctx, w.ctx.root, ".", true))->inode->page_cache().has_value());
        MUST(unlink(w.ctx, w.ctx.root, "f"));
        // Still held by this test (as by a mapping): still charged.
        KEXPECT_EQ(w.ns->root()->mount->fs->statfs().bfree, before.bfree - 1);
    }
    KEXPECT_EQ(w.ns->root()->mount->fs->statfs().bfree, before.bfree);
}

KTEST(vfs_tmpfs_size_limit_is_enospc) {
    World w = MUST(world(8 * PAGE_SIZE));
    const FsContext& c = w.ctx;
    klib::Arc<File> f = MUST(open(c, c.root, "/big", O_RDWR | O_CREAT, 0644));
    u64 written = 0;
    auto r = f->write(0, 64 * PAGE_SIZE, [&](klib::Span<u8> out) -> klib::Result<void, Errno> {
        written += out.size();
        return {};
    });
    // A short write of what fit, then ENOSPC; what was written stays.
    KEXPECT(r.is_ok());
    KEXPECT_EQ(u64(r.value()), 8 * PAGE_SIZE);
    auto again = f->write(8 * PAGE_SIZE, 10, [](klib::Span<u8>) -> klib::Result<void, Errno> { return {}; });
    KEXPECT_EQ(code(again), code_of(Errno::ENOSPC));
    KEXPECT_EQ(MUST(f->stat()).size, 8 * PAGE_SIZE);
    KEXPECT_EQ(w.ctx.root->mount->fs->statfs().bfree, 0u);
    MUST(unlink(c, c.root, "/big"));
    f = MUST(open(c, c.root, "/other", O_RDWR | O_CREAT, 0644));
    KEXPECT_EQ(w.ctx.root->mount->fs->statfs().bfree, 8u); // freed with the last reference
}

KTEST(vfs_rename_variants) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/d1", S_IFDIR | 0755, 0));
    MUST(mknod(c, c.root, "/d2", S_IFDIR | 0755, 0));
    MUST(write_str(c, "/d1/a", "A"));
    MUST(write_str(c, "/d2/b", "B"));
    // Replace.
    KEXPECT_EQ(code(rename(c, c.root, "/d1/a", c.root, "/d2/b", 0)), 0);
    KEXPECT(MUST(read_str(c, "/d2/b")) == "A");
    KEXPECT_EQ(code(resolve(c, c.root, "/d1/a", true)), code_of(Errno::ENOENT));
    // NOREPLACE and EXCHANGE.
    MUST(write_str(c, "/d1/x", "X"));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/x", c.root, "/d2/b", RENAME_NOREPLACE)), code_of(Errno::EEXIST));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/x", c.root, "/d2/b", RENAME_EXCHANGE)), 0);
    KEXPECT(MUST(read_str(c, "/d2/b")) == "X");
    KEXPECT(MUST(read_str(c, "/d1/x")) == "A");
    KEXPECT_EQ(code(rename(c, c.root, "/d1/x", c.root, "/d2/none", RENAME_EXCHANGE)), code_of(Errno::ENOENT));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/x", c.root, "/d2/b", RENAME_EXCHANGE | RENAME_NOREPLACE)),
               code_of(Errno::EINVAL));
    // Directories: into itself, over a non-empty one, link counts.
    MUST(mknod(c, c.root, "/d1/sub", S_IFDIR | 0755, 0));
    KEXPECT_EQ(code(rename(c, c.root, "/d1", c.root, "/d1/sub/x", 0)), code_of(Errno::EINVAL));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/sub", c.root, "/d2", 0)), code_of(Errno::ENOTEMPTY));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/sub", c.root, "/d2/b", 0)), code_of(Errno::ENOTDIR));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/x", c.root, "/d1/sub", 0)), code_of(Errno::EISDIR));
    KEXPECT_EQ(code(rename(c, c.root, "/d1/sub", c.root, "/d2/sub", 0)), 0);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/d1", true))->inode->stat().nlink, 2u);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/d2", true))->inode->stat().nlink, 3u);
    KEXPECT_EQ(code(rename(c, c.root, "/d2/.", c.root, "/d1/y", 0)), code_of(Errno::EBUSY));
    // Hard links to the same inode: rename is a no-op.
    MUST(link(c, c.root, "/d2/b", c.root, "/d2/b2", false));
    KEXPECT_EQ(MUST(resolve(c, c.root, "/d2/b", true))->inode->stat().nlink, 2u);
    KEXPECT_EQ(code(rename(c, c.root, "/d2/b", c.root, "/d2/b2", 0)), 0);
    KEXPECT_EQ(code(resolve(c, c.root, "/d2/b", true)), 0);
    KEXPECT_EQ(code(link(c, c.root, "/d2", c.root, "/d3", false)), code_of(Errno::EPERM));
}

KTEST(vfs_readdir_positions_survive_removal) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/d", S_IFDIR | 0755, 0));
    MUST(write_str(c, "/d/a", ""));
    MUST(write_str(c, "/d/b", ""));
    MUST(write_str(c, "/d/c", ""));
    klib::Arc<Inode> d = MUST(resolve(c, c.root, "/d", true))->inode.clone();
    klib::Optional<DirentInfo> e = MUST(d->readdir(2));
    KEXPECT(e.value().name == "a");
    MUST(unlink(c, c.root, "/d/a"));
    // The cursor after "a" still continues at "b" (rm -r deletes while reading).
    klib::Optional<DirentInfo> next = MUST(d->readdir(e.value().next));
    KEXPECT(next.value().name == "b");
    KEXPECT_EQ(MUST(d->readdir(0)).value().ino, d->stat().ino);
    KEXPECT_EQ(MUST(d->readdir(1)).value().ino, c.root->inode->stat().ino);
}

namespace {

klib::Result<void, Errno> add_names(const Inode& dir, const Cred& cred, u32 from, u32 to) {
    for (u32 i = from; i < to; ++i) {
        klib::String name;
        u32 v = i;
        for (usize k = 0; k < 6; ++k) {
            if (name.try_append(char('a' + v % 26)).is_err()) {
                return Errno::ENOMEM;
            }
            v /= 26;
        }
        TRY(dir.create(name.view(), S_IFREG | 0644, cred, 0));
    }
    return {};
}

} // namespace

KTEST(vfs_many_entries_in_one_directory_are_not_quadratic) {
    World w = MUST(world(64ull << 20));
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/empty", S_IFDIR | 0755, 0));
    MUST(mknod(c, c.root, "/full", S_IFDIR | 0755, 0));
    klib::Arc<Inode> empty = MUST(resolve(c, c.root, "/empty", true))->inode.clone();
    klib::Arc<Inode> full = MUST(resolve(c, c.root, "/full", true))->inode.clone();
    MUST(add_names(*full, c.cred, 0, 5000));
    // 100 new names cost about the same in an empty directory and in one
    // holding 5000 (a scan per insert would make the second 50x slower).
    // The minimum of 5 rounds of each: the host machine's load shows up
    // in TCG's clock.
    u64 small = ~u64(0);
    u64 big = ~u64(0);
    for (u32 round = 0; round < 5; ++round) {
        MUST(empty->create(klib::StringView(round == 0 ? "r0" : round == 1 ? "r1" : round == 2 ? "r2" : round == 3 ? "r3" : "r4"),
                           S_IFDIR | 0755, c.cred, 0));
        klib::Arc<Inode> fresh = MUST(empty->lookup(round == 0 ? "r0" : round == 1 ? "r1" : round == 2 ? "r2" : round == 3 ? "r3" : "r4"));
        const u32 base = 10000 + round * 100;
        const u64 t0 = keel::monotonic_ns();
        MUST(add_names(*fresh, c.cred, base, base + 100));
        const u64 t1 = keel::monotonic_ns();
        MUST(add_names(*full, c.cred, base, base + 100));
        const u64 t2 = keel::monotonic_ns();
        small = klib::min(small, t1 - t0);
        big = klib::min(big, t2 - t1);
    }
    KEXPECT_LT(big, 4 * small + 1000000);
    KEXPECT_EQ(klib::downcast<TmpInode>(full).value()->entry_count(), 5500u);
    KEXPECT_EQ(code(full->create("aaaaaa", S_IFREG | 0644, c.cred, 0)), code_of(Errno::EEXIST));
}

KTEST(vfs_mounts_cross_and_umount) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/mnt", S_IFDIR | 0755, 0));
    klib::Arc<PathNode> at = MUST(resolve(c, c.root, "/mnt", true));
    klib::Arc<FileSystem> t = MUST(make_filesystem("tmpfs"));
    MUST(c.ns->mount(at, klib::move(t), "none", "tmpfs", 0));
    MUST(write_str(c, "/mnt/inside", "in"));
    KEXPECT(MUST(read_str(c, "/mnt/inside")) == "in");
    KEXPECT_NE(MUST(resolve(c, c.root, "/mnt", true))->inode->stat().dev, c.root->inode->stat().dev);
    KEXPECT_EQ(MUST(resolve(c, c.root, "/mnt/..", true))->inode->stat().ino, c.root->inode->stat().ino);
    KEXPECT_EQ(code(link(c, c.root, "/mnt/inside", c.root, "/x", false)), code_of(Errno::EXDEV));
    KEXPECT_EQ(code(rename(c, c.root, "/mnt/inside", c.root, "/x", 0)), code_of(Errno::EXDEV));
    KEXPECT_EQ(code(rmdir(c, c.root, "/mnt")), code_of(Errno::EBUSY));
    klib::Vec<MountInfo> ms = MUST(c.ns->mounts());
    KEXPECT_EQ(ms.size(), 2u);
    KEXPECT(ms[1].path == "/mnt");
    KEXPECT_EQ(code(c.ns->umount(at, false, c.root)), code_of(Errno::EINVAL)); // not a mount root
    MUST(c.ns->umount(MUST(resolve(c, c.root, "/mnt", true)), false, c.root));
    KEXPECT_EQ(code(resolve(c, c.root, "/mnt/inside", true)), code_of(Errno::ENOENT));
}

KTEST(vfs_devices_through_the_registry) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(register_builtin_devices());
    MUST(mknod(c, c.root, "/null", S_IFCHR | 0666, encode_dev(1, 3)));
    MUST(mknod(c, c.root, "/nothing", S_IFCHR | 0666, encode_dev(42, 42)));
    klib::Arc<File> f = MUST(open(c, c.root, "/null", O_RDWR, 0));
    KEXPECT_EQ(MUST(f->read(0, 10, [](klib::Span<const u8>) -> klib::Result<void, Errno> { return {}; })), 0u);
    KEXPECT_EQ(MUST(f->write(0, 10, [](klib::Span<u8>) -> klib::Result<void, Errno> { return {}; })), 10u);
    KEXPECT_EQ(MUST(f->stat()).rdev, encode_dev(1, 3));
    KEXPECT_EQ(code(open(c, c.root, "/nothing", O_RDWR, 0)), code_of(Errno::ENXIO));
    klib::Arc<FileSystem> dev = MUST(make_filesystem("devtmpfs"));
    KEXPECT_EQ(MUST(dev->root()->lookup("zero"))->stat().rdev, encode_dev(1, 5));
    KEXPECT_EQ(MUST(dev->root()->lookup("urandom"))->stat().rdev, encode_dev(1, 9));
    // (Terminals are registered by services/tty: tty_devices_* ktests.)
}

namespace {

// Opens the FIFO `node` with `flags` on another task after a few yields,
// notes `mark` in `log` just before, writes "hi" if it is a writer.
klib::Result<void> open_later(klib::Arc<Inode> node, u32 flags, klib::Arc<keel::SpinLock<u32>> log, u32 mark) {
    auto body = TRY(klib::Function<void()>::make([node = klib::move(node), log = klib::move(log), flags, mark]() {
        for (u32 i = 0; i < 5; ++i) {
            keel::yield_now();
        }
        log->with([mark](u32& v) { v = mark; });
        auto f = open_fifo(node, flags);
        if (f.is_ok() && (flags & O_ACCMODE) == O_WRONLY) {
            (void)f.value()->write(0, 2, [](klib::Span<u8> out) -> klib::Result<void, Errno> {
                for (usize i = 0; i < out.size(); ++i) {
                    out[i] = u8(i == 0 ? 'h' : 'i');
                }
                return {};
            });
        }
    }));
    TRY(keel::spawn_task(klib::move(body)));
    return {};
}

} // namespace

KTEST(vfs_fifo_open_waits_for_the_other_end) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/fifo", S_IFIFO | 0666, 0));
    klib::Arc<Inode> node = MUST(resolve(c, c.root, "/fifo", true))->inode.clone();
    // O_NONBLOCK: a writer with no reader is ENXIO; a reader never waits.
    KEXPECT_EQ(code(open(c, c.root, "/fifo", O_WRONLY | O_NONBLOCK, 0)), code_of(Errno::ENXIO));
    {
        klib::Arc<File> r = MUST(open(c, c.root, "/fifo", O_RDONLY | O_NONBLOCK, 0));
        klib::Arc<File> wr = MUST(open(c, c.root, "/fifo", O_WRONLY | O_NONBLOCK, 0));
        klib::Arc<File> rw = MUST(open(c, c.root, "/fifo", O_RDWR, 0)); // never waits
    }
    klib::Arc<keel::SpinLock<u32>> log = MUST(klib::Arc<keel::SpinLock<u32>>::make(0u));
    // A blocking reader returns once a writer opened.
    MUST(open_later(node.clone(), O_WRONLY, log.clone(), 1));
    klib::Arc<File> r = MUST(open(c, c.root, "/fifo", O_RDONLY, 0));
    KEXPECT_EQ(log->with([](u32& v) { return v; }), 1u);
    klib::String got;
    MUST(r->read(0, 2, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        for (u8 b : part) {
            MUST(got.try_append(char(b)));
        }
        return {};
    }));
    KEXPECT(got == "hi");
    // A blocking writer returns once a reader opened (r is still open as a
    // reader of the same pipe, so open a fresh FIFO).
    MUST(mknod(c, c.root, "/fifo2", S_IFIFO | 0666, 0));
    klib::Arc<Inode> node2 = MUST(resolve(c, c.root, "/fifo2", true))->inode.clone();
    MUST(open_later(node2.clone(), O_RDONLY | O_NONBLOCK, log.clone(), 2));
    klib::Arc<File> wr = MUST(open(c, c.root, "/fifo2", O_WRONLY, 0));
    KEXPECT_EQ(log->with([](u32& v) { return v; }), 2u);
}

// The name cache: a repeated lookup returns the very node the first one
// made (no new PathNode), a miss is remembered as ENOENT, and every name
// change empties the cache before the next walk can see the old answer.
KTEST(vfs_dcache_hits_and_invalidation) {
    World w = MUST(world());
    const FsContext& c = w.ctx;
    MUST(mknod(c, c.root, "/d", S_IFDIR | 0755, 0));
    MUST(write_str(c, "/d/f", "x"));
    klib::Arc<PathNode> a = MUST(resolve(c, c.root, "/d/f", true));
    klib::Arc<PathNode> b = MUST(resolve(c, c.root, "/d/f", true));
    KEXPECT(a.ptr_eq(b)); // the second walk came from the cache
    KEXPECT_GE(dcache::size(), usize(2));
    KEXPECT_EQ(code(resolve(c, c.root, "/d/g", true)), code_of(Errno::ENOENT));
    KEXPECT_EQ(code(resolve(c, c.root, "/d/g", true)), code_of(Errno::ENOENT)); // negative hit
    MUST(write_str(c, "/d/g", "y"));
    KEXPECT_EQ(dcache::size(), usize(0));
    KEXPECT(MUST(read_str(c, "/d/g")) == "y");
    MUST(resolve(c, c.root, "/d/f", true));
    MUST(unlink(c, c.root, "/d/f"));
    KEXPECT_EQ(dcache::size(), usize(0));
    KEXPECT_EQ(code(resolve(c, c.root, "/d/f", true)), code_of(Errno::ENOENT));
    MUST(resolve(c, c.root, "/d/g", true));
    MUST(rename(c, c.root, "/d/g", c.root, "/d/f", 0));
    KEXPECT_EQ(code(resolve(c, c.root, "/d/g", true)), code_of(Errno::ENOENT));
    KEXPECT(MUST(read_str(c, "/d/f")) == "y");
    // A different directory node (another walk's) never hits an entry.
    klib::Arc<PathNode> d1 = MUST(resolve(c, c.root, "/d", true));
    klib::Arc<PathNode> d2 = MUST(resolve(c, c.root, "/d/.", true));
    KEXPECT(d1.ptr_eq(d2));
    // A lookup that raced with a change is not remembered.
    dcache::Probe p = dcache::find(d1, "late");
    KEXPECT(!p.hit);
    MUST(write_str(c, "/d/late", "z"));
    dcache::remember(p.generation, d1, "late", klib::none);
    MUST(read_str(c, "/d/late"));
}

} // namespace services::fs
