// ktests of the RamFs (building from initramfs entries, path lookup) and
// the fd table.
#include "fd_table.h"
#include "ramfs.h"

#include <keel/ktest.h>

namespace services::fs {

namespace {

klib::Result<void> add(RamFs& fs, klib::StringView name, u32 mode, klib::StringView data) {
    initramfs::File f;
    f.name = TRY(klib::String::from(name));
    f.meta.mode = mode;
    for (char c : data) {
        TRY(f.data.try_push(u8(c)));
    }
    return fs.add(f);
}

// / with a/, a/b/, a/f ("hello"), a/l -> f, a/abs -> /a/b, a/loop1 <-> a/loop2,
// a/dangling -> nope.
klib::Result<RamFs> sample() {
    RamFs fs = TRY(RamFs::create());
    TRY(add(fs, ".", S_IFDIR | 0755, ""));
    TRY(add(fs, "a", S_IFDIR | 0755, ""));
    TRY(add(fs, "./a/b", S_IFDIR | 0755, ""));
    TRY(add(fs, "a/f", S_IFREG | 0644, "hello"));
    TRY(add(fs, "a/l", S_IFLNK | 0777, "f"));
    TRY(add(fs, "a/abs", S_IFLNK | 0777, "/a/b"));
    TRY(add(fs, "a/loop1", S_IFLNK | 0777, "loop2"));
    TRY(add(fs, "a/loop2", S_IFLNK | 0777, "loop1"));
    TRY(add(fs, "a/dangling", S_IFLNK | 0777, "nope"));
    TRY(add(fs, "missing/x", S_IFREG | 0644, "skipped")); // no parent: skipped
    return fs;
}

Errno err(const klib::Result<Ino, Errno>& r) {
    return r.is_err() ? r.error() : Errno::EPERM;
}

} // namespace

KTEST(fs_ramfs_lookup) {
    RamFs fs = MUST(sample());
    const Ino a = MUST(fs.resolve(ROOT_INO, "/a", true));
    const Ino f = MUST(fs.resolve(ROOT_INO, "a/f", true));
    KEXPECT(fs.is_dir(a));
    KEXPECT_EQ(fs.size(f), 5u);
    KEXPECT_EQ(MUST(fs.resolve(a, "f", true)), f);
    KEXPECT_EQ(MUST(fs.resolve(a, "./b/../f", true)), f);
    KEXPECT_EQ(MUST(fs.resolve(a, "/../../a//f", true)), f);
    KEXPECT_EQ(MUST(fs.resolve(ROOT_INO, "/", true)), ROOT_INO);
    KEXPECT_EQ(MUST(fs.resolve(a, "..", true)), ROOT_INO);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "", true)), Errno::ENOENT);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/nope", true)), Errno::ENOENT);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/nope/x", true)), Errno::ENOENT);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/a/f/x", true)), Errno::ENOTDIR);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/a/f/", true)), Errno::ENOTDIR);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/a/f/.", true)), Errno::ENOTDIR);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/missing", true)), Errno::ENOENT);
}

KTEST(fs_ramfs_symlinks) {
    RamFs fs = MUST(sample());
    const Ino f = MUST(fs.resolve(ROOT_INO, "/a/f", true));
    const Ino b = MUST(fs.resolve(ROOT_INO, "/a/b", true));
    const Ino l = MUST(fs.resolve(ROOT_INO, "/a/l", false));
    KEXPECT_NE(l, f);
    KEXPECT_EQ(MUST(fs.resolve(ROOT_INO, "/a/l", true)), f);
    KEXPECT_EQ(MUST(fs.resolve(ROOT_INO, "/a/abs/", false)), b); // trailing "/" follows
    KEXPECT_EQ(MUST(fs.resolve(ROOT_INO, "/a/abs/../f", true)), f);
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/a/loop1", true)), Errno::ELOOP);
    KEXPECT(fs.resolve(ROOT_INO, "/a/loop1", false).is_ok());
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, "/a/dangling", true)), Errno::ENOENT);
    auto target = MUST(fs.link_target(l));
    KEXPECT(target == "f");
    KEXPECT(fs.link_target(f).is_err());
    // A dangling link's walk ends in its target's directory, target missing.
    auto w = fs.walk(ROOT_INO, "/a/dangling", true);
    KASSERT(w.is_ok());
    KEXPECT(!w.value().ino.has_value());
}

KTEST(fs_ramfs_name_limits) {
    RamFs fs = MUST(sample());
    klib::String name = MUST(klib::String::from("/a/"));
    for (usize i = 0; i < NAME_MAX + 1; ++i) {
        MUST(name.try_append('x'));
    }
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, name.view(), true)), Errno::ENAMETOOLONG);
    klib::String path;
    while (path.size() < PATH_MAX) {
        MUST(path.try_append("/."));
    }
    KEXPECT_EQ(err(fs.resolve(ROOT_INO, path.view(), true)), Errno::ENAMETOOLONG);
}

KTEST(fs_ramfs_directories) {
    RamFs fs = MUST(sample());
    const Ino a = MUST(fs.resolve(ROOT_INO, "/a", true));
    const Ino b = MUST(fs.resolve(ROOT_INO, "/a/b", true));
    KEXPECT_EQ(fs.stat(a).nlink, 3u); // ".", its name, b's ".."
    auto dot = MUST(fs.dirent(a, 0));
    auto dotdot = MUST(fs.dirent(a, 1));
    auto first = MUST(fs.dirent(a, 2));
    auto end = MUST(fs.dirent(a, 9));
    KASSERT(dot.has_value() && dotdot.has_value() && first.has_value());
    KEXPECT(dot.value().name == ".");
    KEXPECT_EQ(dotdot.value().ino, ROOT_INO);
    KEXPECT(first.value().name == "b");
    KEXPECT_EQ(first.value().type, 4u); // DT_DIR
    KEXPECT(!end.has_value());
    auto path = MUST(fs.path_of(b));
    KEXPECT(path == "/a/b");
    auto root = MUST(fs.path_of(ROOT_INO));
    KEXPECT(root == "/");
    // A later entry replaces a file; a directory keeps its contents.
    MUST(add(fs, "a/f", S_IFREG | 0600, "bye"));
    MUST(add(fs, "a", S_IFDIR | 0700, ""));
    const Ino f = MUST(fs.resolve(ROOT_INO, "/a/f", true));
    KEXPECT_EQ(fs.size(f), 3u);
    KEXPECT_EQ(fs.mode(a), S_IFDIR | 0700u);
}

KTEST(fs_fd_table_lowest_free) {
    FdTable t = MUST(FdTable::with_console(0));
    auto file = MUST(klib::Arc<OpenFile>::make(FileKind::Null, Ino(0), O_RDONLY));
    auto a = t.install(file.clone(), false);
    KASSERT(a.is_ok());
    KEXPECT_EQ(a.value(), 3u);
    KEXPECT(t.close(1).is_ok());
    KEXPECT(t.close(1).is_err());
    auto b = t.install(file.clone(), true);
    KASSERT(b.is_ok());
    KEXPECT_EQ(b.value(), 1u);
    auto cloexec = t.cloexec(1);
    KEXPECT(cloexec.is_ok() && cloexec.value());
    auto c = t.install(file.clone(), false, 10);
    KASSERT(c.is_ok());
    KEXPECT_EQ(c.value(), 10u);
    KEXPECT(t.install_at(FdTable::MAX_FDS, file.clone(), false).is_err());
    KEXPECT(t.get(99).is_err());
    for (u64 fd = 0; fd < FdTable::MAX_FDS; ++fd) {
        (void)t.install(file.clone(), false);
    }
    auto full = t.install(file.clone(), false);
    KASSERT(full.is_err());
    KEXPECT_EQ(full.error(), Errno::EMFILE);
}

} // namespace services::fs
