// File-system calls through the VFS (services/fs/vfs.h): open/openat/
// creat/close, lseek, the stat family, getdents64, readlink(at),
// access/faccessat(2), getcwd, chdir/fchdir, fcntl, dup/dup2/dup3,
// mkdir(at), mknod(at), rmdir, unlink(at), rename(at)/renameat2,
// link(at), symlink(at), chmod/fchmod(at), chown/fchown(at)/lchown,
// truncate/ftruncate, fallocate, fsync/fdatasync/sync/syncfs, utimensat,
// umask, statfs/fstatfs, mount/umount2.
#include "../fs/filesystems.h"
#include "../fs/perm.h"
#include "../fs/pipe.h"
#include "../fs/tmpfs.h"
#include "syscall.h"
#include "sys_tty.h"
#include "transfer.h"
#include "user_mem.h"

namespace services::syscall {

namespace {

using U64Pair = klib::Array<u64, 2>;

constexpr u64 SEEK_CUR = 1;
constexpr u64 SEEK_END = 2;
constexpr u64 SEEK_DATA = 3;
constexpr u64 SEEK_HOLE = 4;
constexpr u64 F_DUPFD = 0;
constexpr u64 F_GETFD = 1;
constexpr u64 F_SETFD = 2;
constexpr u64 F_GETFL = 3;
constexpr u64 F_SETFL = 4;
constexpr u64 F_DUPFD_CLOEXEC = 1030;
constexpr u64 F_SETPIPE_SZ = 1031;
constexpr u64 F_GETPIPE_SZ = 1032;
constexpr u64 FD_CLOEXEC = 1;
constexpr u64 R_OK = 4;
constexpr u64 W_OK = 2;
constexpr u64 X_OK = 1;
constexpr u64 AT_REMOVEDIR = 0x200;
constexpr u64 AT_SYMLINK_FOLLOW = 0x400;
constexpr u64 UTIME_NOW = (1 << 30) - 1;
constexpr u64 UTIME_OMIT = (1 << 30) - 2;

klib::Result<void, Errno> need_fs(const process::Thread& t) {
    if (!t.vfs->has_value()) {
        return Errno::ENOENT;
    }
    return {};
}

// A path argument that must not be empty (ENOENT).
klib::Result<klib::String, Errno> path_arg(const process::Thread& t, u64 addr) {
    klib::String path = TRY(read_path(t, addr));
    if (path.empty()) {
        return Errno::ENOENT;
    }
    return path;
}

SysResult do_openat(process::Thread& t, u64 dirfd, u64 path_addr, u64 flags_arg, u64 mode) {
    const u32 flags = u32(flags_arg);
    PathArg path; // no heap for the usual short path
    TRY(read_path_into(t, path_addr, path));
    if (path.empty()) {
        return Errno::ENOENT;
    }
    const klib::StringView v = path.long_path.has_value()
                                   ? path.long_path.value().view()
                                   : klib::StringView(path.short_path.span().first(path.len));
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, v));
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::File> opened = TRY(fs::open(vfs, base, v, flags, u32(mode)));
    klib::Arc<fs::File> file = TRY(resolve_ctty(t, klib::move(opened), flags));
    return t.files->install(klib::move(file), (flags & fs::O_CLOEXEC) != 0);
}

// The node `path` names from `dirfd` (AT_EMPTY_PATH: the fd itself).
klib::Result<klib::Arc<fs::PathNode>, Errno> lookup_at(process::Thread& t, u64 dirfd, u64 path_addr,
                                                       bool follow, bool empty_ok) {
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::String path = TRY(read_path(t, path_addr));
    if (path.empty()) {
        if (!empty_ok) {
            return Errno::ENOENT;
        }
        if (i32(u32(dirfd)) == AT_FDCWD) {
            return vfs.cwd.clone();
        }
        klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
        auto node = f->path();
        if (!node.has_value()) {
            return Errno::EBADF;
        }
        return klib::move(node.value());
    }
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
    return fs::resolve(vfs, base, path.view(), follow);
}

// stat/lstat/newfstatat: look `path` up from `dirfd` and copy its stat.
SysResult do_fstatat(process::Thread& t, u64 dirfd, u64 path_addr, u64 buf, u64 flags) {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    PathArg path; // no heap for the usual short path
    TRY(read_path_into(t, path_addr, path));
    if (path.empty() && (flags & AT_EMPTY_PATH) != 0 && i32(u32(dirfd)) != AT_FDCWD) {
        klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
        TRY(copy_stat(t, TRY(f->stat()), buf));
        return u64(0);
    }
    TRY(need_fs(t));
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::PathNode> node = vfs.cwd.clone();
    if (path.empty()) {
        if ((flags & AT_EMPTY_PATH) == 0) {
            return Errno::ENOENT;
        }
    } else {
        const klib::StringView v = path.long_path.has_value()
                                       ? path.long_path.value().view()
                                       : klib::StringView(path.short_path.span().first(path.len));
        klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, v));
        node = TRY(fs::resolve(vfs, base, v, (flags & AT_SYMLINK_NOFOLLOW) == 0));
    }
    TRY(copy_stat(t, node->inode->stat(), buf));
    return u64(0);
}

SysResult do_readlinkat(process::Thread& t, u64 dirfd, u64 path_addr, u64 buf, u64 size) {
    klib::String path = TRY(read_path(t, path_addr));
    if (i32(u32(size)) <= 0) {
        return Errno::EINVAL;
    }
    TRY(need_fs(t));
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::PathNode> node = vfs.cwd.clone();
    if (path.empty()) {
        if (i32(u32(dirfd)) != AT_FDCWD) {
            klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
            auto n = f->path();
            if (!n.has_value()) {
                return Errno::ENOENT;
            }
            node = klib::move(n.value());
        } else {
            return Errno::ENOENT;
        }
    } else {
        klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
        node = TRY(fs::resolve(vfs, base, path.view(), false));
    }
    if (path.empty() && node->inode->stat().type() != fs::S_IFLNK) {
        return Errno::ENOENT;
    }
    klib::String target = TRY(node->inode->read_link());
    const klib::StringView link = target.view();
    const usize n = link.size() < usize(u32(size)) ? link.size() : usize(u32(size));
    OutBuffer b;
    if (b.text(link.substr(0, n)).is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(t, buf));
    return u64(n);
}

SysResult do_faccessat(process::Thread& t, u64 dirfd, u64 path_addr, u64 mode, u64 flags) {
    if ((mode & ~(R_OK | W_OK | X_OK)) != 0) {
        return Errno::EINVAL;
    }
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    TRY(need_fs(t));
    // access(2) checks (and looks the path up) with the real ids;
    // AT_EACCESS with the effective ones (Linux's access_override_creds).
    fs::FsContext real = TRY(t.vfs->get());
    if ((flags & AT_EACCESS) == 0) {
        real.cred = real.cred.for_access();
    }
    klib::String path = TRY(read_path(t, path_addr));
    klib::Arc<fs::PathNode> node = real.cwd.clone();
    if (path.empty()) {
        node = TRY(lookup_at(t, dirfd, path_addr, (flags & AT_SYMLINK_NOFOLLOW) == 0,
                             (flags & AT_EMPTY_PATH) != 0));
    } else {
        klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
        node = TRY(fs::resolve(real, base, path.view(), (flags & AT_SYMLINK_NOFOLLOW) == 0));
    }
    if (mode == 0) {
        return u64(0);
    }
    const fs::Stat st = node->inode->stat();
    if ((mode & W_OK) != 0 && (node->mount->flags & fs::MS_RDONLY) != 0 &&
        (st.type() == fs::S_IFREG || st.type() == fs::S_IFDIR || st.type() == fs::S_IFLNK)) {
        return Errno::EROFS;
    }
    if (!fs::permitted(st, real.cred, u32(mode))) {
        return Errno::EACCES;
    }
    return u64(0);
}

SysResult do_dup3(process::Thread& t, u64 oldfd, u64 newfd, bool cloexec) {
    klib::Arc<fs::File> f = TRY(t.files->get(oldfd));
    if (newfd >= t.files->limit()) {
        return Errno::EBADF;
    }
    TRY(t.files->install_at(newfd, klib::move(f), cloexec));
    return newfd;
}

SysResult do_mknodat(process::Thread& t, u64 dirfd, u64 path_addr, u64 mode, u64 dev) {
    klib::String path = TRY(path_arg(t, path_addr));
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
    u32 m = u32(mode);
    u32 type = m & fs::S_IFMT;
    if (type == 0) {
        type = fs::S_IFREG;
    }
    if (type == fs::S_IFDIR) {
        return Errno::EPERM;
    }
    if (type != fs::S_IFREG && type != fs::S_IFCHR && type != fs::S_IFBLK && type != fs::S_IFIFO &&
        type != fs::S_IFSOCK) {
        return Errno::EINVAL;
    }
    const u64 rdev = fs::encode_dev(u32((dev >> 8) & 0xfff), u32((dev & 0xff) | ((dev >> 12) & 0xfff00)));
    const fs::FsContext vfs = TRY(t.vfs->get());
    TRY(fs::mknod(vfs, base, path.view(), type | (m & 07777), rdev));
    return u64(0);
}

SysResult do_mkdirat(process::Thread& t, u64 dirfd, u64 path_addr, u64 mode) {
    klib::String path = TRY(path_arg(t, path_addr));
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
    const fs::FsContext vfs = TRY(t.vfs->get());
    TRY(fs::mknod(vfs, base, path.view(), fs::S_IFDIR | (u32(mode) & 07777), 0));
    return u64(0);
}

SysResult do_unlinkat(process::Thread& t, u64 dirfd, u64 path_addr, u64 flags) {
    if ((flags & ~AT_REMOVEDIR) != 0) {
        return Errno::EINVAL;
    }
    klib::String path = TRY(path_arg(t, path_addr));
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
    const fs::FsContext vfs = TRY(t.vfs->get());
    if ((flags & AT_REMOVEDIR) != 0) {
        TRY(fs::rmdir(vfs, base, path.view()));
    } else {
        TRY(fs::unlink(vfs, base, path.view()));
    }
    return u64(0);
}

SysResult do_renameat2(process::Thread& t, u64 olddir, u64 old_addr, u64 newdir, u64 new_addr,
                       u64 flags) {
    klib::String old_path = TRY(path_arg(t, old_addr));
    klib::String new_path = TRY(path_arg(t, new_addr));
    if ((flags & ~u64(fs::RENAME_NOREPLACE | fs::RENAME_EXCHANGE | fs::RENAME_WHITEOUT)) != 0) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::PathNode> ob = TRY(start_dir(t, olddir, old_path.view()));
    klib::Arc<fs::PathNode> nb = TRY(start_dir(t, newdir, new_path.view()));
    const fs::FsContext vfs = TRY(t.vfs->get());
    TRY(fs::rename(vfs, ob, old_path.view(), nb, new_path.view(), u32(flags)));
    return u64(0);
}

SysResult do_linkat(process::Thread& t, u64 olddir, u64 old_addr, u64 newdir, u64 new_addr,
                    u64 flags) {
    if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    klib::String old_path = TRY(read_path(t, old_addr));
    klib::String new_path = TRY(path_arg(t, new_addr));
    if (old_path.empty()) {
        // AT_EMPTY_PATH (root has CAP_DAC_READ_SEARCH): link the file the
        // fd refers to.
        if ((flags & AT_EMPTY_PATH) == 0) {
            return Errno::ENOENT;
        }
        klib::Arc<fs::PathNode> old = TRY(lookup_at(t, olddir, old_addr, false, true));
        if (old->inode->stat().is_dir()) {
            return Errno::EPERM;
        }
        klib::Arc<fs::PathNode> nb = TRY(start_dir(t, newdir, new_path.view()));
        const fs::FsContext vfs = TRY(t.vfs->get());
        TRY(fs::link_node(vfs, old, nb, new_path.view()));
        return u64(0);
    }
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::PathNode> ob = TRY(start_dir(t, olddir, old_path.view()));
    klib::Arc<fs::PathNode> nb = TRY(start_dir(t, newdir, new_path.view()));
    TRY(fs::link(vfs, ob, old_path.view(), nb, new_path.view(),
                 (flags & AT_SYMLINK_FOLLOW) != 0));
    return u64(0);
}

SysResult do_symlinkat(process::Thread& t, u64 target_addr, u64 dirfd, u64 path_addr) {
    klib::String target = TRY(read_path(t, target_addr));
    klib::String path = TRY(path_arg(t, path_addr));
    if (target.empty()) {
        return Errno::ENOENT;
    }
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path.view()));
    const fs::FsContext vfs = TRY(t.vfs->get());
    TRY(fs::symlink(vfs, target.view(), base, path.view()));
    return u64(0);
}

klib::Result<void, Errno> setattr_checked(const process::Thread& t, const fs::PathNode& node,
                                          const fs::SetAttr& a) {
    if ((node.mount->flags & fs::MS_RDONLY) != 0) {
        return Errno::EROFS;
    }
    const fs::FsContext vfs = TRY(t.vfs->get());
    fs::SetAttr checked = a;
    TRY(fs::may_setattr(node.inode->stat(), checked, vfs.cred));
    return node.inode->set_attr(checked);
}

SysResult do_fchmodat(process::Thread& t, u64 dirfd, u64 path_addr, u64 mode, bool follow) {
    klib::Arc<fs::PathNode> node = TRY(lookup_at(t, dirfd, path_addr, follow, false));
    fs::SetAttr a;
    a.mode = u32(mode) & 07777;
    TRY(setattr_checked(t, *node, a));
    return u64(0);
}

fs::SetAttr chown_attr(u64 uid, u64 gid) {
    fs::SetAttr a;
    a.kill_suid = true;
    if (u32(uid) != u32(-1)) {
        a.uid = u32(uid);
    }
    if (u32(gid) != u32(-1)) {
        a.gid = u32(gid);
    }
    return a;
}

SysResult do_fchownat(process::Thread& t, u64 dirfd, u64 path_addr, u64 uid, u64 gid, u64 flags) {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::PathNode> node = TRY(lookup_at(t, dirfd, path_addr, (flags & AT_SYMLINK_NOFOLLOW) == 0,
                                                 (flags & AT_EMPTY_PATH) != 0));
    TRY(setattr_checked(t, *node, chown_attr(uid, gid)));
    return u64(0);
}

// do_truncate: the new size, dropping set-user/group-ID as a write does.
klib::Result<void, Errno> truncate_inode(const fs::Inode& inode, const fs::Stat& st, u64 len,
                                         const fs::Cred& c) {
    fs::SetAttr a;
    a.size = len;
    const u32 kill = fs::privs_to_kill(st, c);
    if (kill != 0) {
        a.mode = st.mode & 07777 & ~kill;
    }
    return inode.set_attr(a);
}

klib::Result<void, Errno> truncate_node(const process::Thread& t, const fs::PathNode& node, i64 len) {
    if (len < 0) {
        return Errno::EINVAL;
    }
    const fs::Stat st = node.inode->stat();
    if (st.is_dir()) {
        return Errno::EISDIR;
    }
    if (st.type() != fs::S_IFREG) {
        return Errno::EINVAL;
    }
    if ((node.mount->flags & fs::MS_RDONLY) != 0) {
        return Errno::EROFS;
    }
    const fs::FsContext vfs = TRY(t.vfs->get());
    if (!fs::permitted(st, vfs.cred, fs::MAY_WRITE)) {
        return Errno::EACCES;
    }
    return truncate_inode(*node.inode, st, u64(len), vfs.cred);
}

// One timespec of utimensat: none to leave it (UTIME_OMIT).
klib::Result<klib::Optional<fs::Timespec>, Errno> time_arg(const process::Thread& t, u64 addr, u64 index) {
    if (addr == 0) {
        return klib::Optional<fs::Timespec>(fs::now());
    }
    const klib::Array<u64, 2> ts = TRY_SYS(t.space->read_val<U64Pair>(addr + 16 * index));
    if (ts[1] == UTIME_OMIT) {
        return klib::Optional<fs::Timespec>();
    }
    if (ts[1] == UTIME_NOW) {
        return klib::Optional<fs::Timespec>(fs::now());
    }
    if (ts[1] >= fs::NSEC_PER_SEC) {
        return Errno::EINVAL;
    }
    return klib::Optional<fs::Timespec>(fs::Timespec{i64(ts[0]), i64(ts[1])});
}

klib::Result<void, Errno> copy_statfs(const process::Thread& t, const fs::PathNode& node, u64 addr) {
    const fs::StatFs s = node.mount->fs->statfs();
    // f_flags: ST_VALID | ST_RELATIME and the mount's flags (ST_RDONLY =
    // MS_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC have the same values).
    const u64 flags = 0x20 | 0x1000 | (node.mount->flags & 0xf);
    const u64 fsid = s.type == 0 ? 0 : fs::dev_minor(node.inode->stat().dev);
    // struct statfs (x86-64, 120 bytes): 15 words.
    const klib::Array<u64, 15> w = {s.type, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree,
                                    fsid,   s.namelen, s.frsize, flags, 0, 0, 0, 0};
    TRY_SYS(t.space->write_val(addr, w));
    return {};
}

} // namespace

SysResult sys_open(process::Thread& t, const Args& args) {
    return do_openat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2]);
}

SysResult sys_openat(process::Thread& t, const Args& args) {
    return do_openat(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_creat(process::Thread& t, const Args& args) {
    return do_openat(t, u64(u32(AT_FDCWD)), args.a[0], fs::O_CREAT | fs::O_WRONLY | fs::O_TRUNC,
                     args.a[1]);
}

SysResult sys_close(process::Thread& t, const Args& args) {
    TRY(t.files->close(args.a[0]));
    return u64(0);
}

SysResult sys_lseek(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    const i64 off = i64(args.a[1]);
    const u64 whence = args.a[2];
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    if (!f->seekable()) {
        return Errno::ESPIPE;
    }
    if (f->seek_always_zero()) {
        f->set_offset(0);
        return u64(0);
    }
    if (whence > SEEK_HOLE) {
        return Errno::EINVAL;
    }
    const fs::Stat st = TRY(f->stat());
    const bool dir = st.is_dir();
    const i64 size = i64(st.size);
    i64 base = 0;
    if (whence == SEEK_CUR) {
        base = i64(f->offset());
    } else if (whence == SEEK_END || whence == SEEK_DATA || whence == SEEK_HOLE) {
        if (dir) {
            return Errno::EINVAL;
        }
        base = whence == SEEK_END ? size : 0;
    }
    if (whence == SEEK_DATA || whence == SEEK_HOLE) {
        if (off < 0 || off >= size) {
            return Errno::ENXIO;
        }
        auto inode = f->inode();
        if (!inode.has_value()) {
            return Errno::ENXIO;
        }
        const u64 pos = TRY(inode.value()->seek_data(u64(off), whence == SEEK_HOLE));
        f->set_offset(pos);
        return pos;
    }
    if (off > 0 && base > klib::max_value<i64> - off) {
        return Errno::EOVERFLOW;
    }
    const i64 pos = base + off;
    if (pos < 0) {
        return Errno::EINVAL;
    }
    f->set_offset(u64(pos));
    return u64(pos);
}

SysResult sys_fstat(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    TRY(copy_stat(t, TRY(f->stat()), args.a[1]));
    return u64(0);
}

SysResult sys_stat(process::Thread& t, const Args& args) {
    return do_fstatat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], 0);
}

SysResult sys_lstat(process::Thread& t, const Args& args) {
    return do_fstatat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], AT_SYMLINK_NOFOLLOW);
}

SysResult sys_newfstatat(process::Thread& t, const Args& args) {
    return do_fstatat(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_getdents64(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    auto inode = f->inode();
    if (!inode.has_value() || !inode.value()->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    const u64 count = args.a[2] > (1u << 20) ? (1u << 20) : args.a[2];
    OutBuffer b;
    u64 pos = f->offset();
    for (;;) {
        klib::Optional<fs::DirentInfo> entry = TRY(inode.value()->readdir(pos));
        if (!entry.has_value()) {
            break;
        }
        const fs::DirentInfo& d = entry.value();
        // struct linux_dirent64: ino, off, reclen, type, name, NUL, padding.
        const usize reclen = (19 + d.name.size() + 1 + 7) & ~usize(7);
        if (b.size() + reclen > count) {
            if (b.size() == 0) {
                return Errno::EINVAL;
            }
            break;
        }
        auto r = b.u64_(d.ino);
        r = r.is_ok() ? b.u64_(d.next) : klib::move(r);
        r = r.is_ok() ? b.u16_(u16(reclen)) : klib::move(r);
        r = r.is_ok() ? b.u8_(d.type) : klib::move(r);
        r = r.is_ok() ? b.text(d.name.view()) : klib::move(r);
        r = r.is_ok() ? b.zeros(reclen - 19 - d.name.size()) : klib::move(r);
        if (r.is_err()) {
            return Errno::ENOMEM;
        }
        pos = d.next;
    }
    TRY(b.copy_out(t, args.a[1]));
    f->set_offset(pos);
    return u64(b.size());
}

SysResult sys_readlink(process::Thread& t, const Args& args) {
    return do_readlinkat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2]);
}

SysResult sys_readlinkat(process::Thread& t, const Args& args) {
    return do_readlinkat(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_access(process::Thread& t, const Args& args) {
    return do_faccessat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], 0);
}

SysResult sys_faccessat(process::Thread& t, const Args& args) {
    return do_faccessat(t, args.a[0], args.a[1], args.a[2], 0);
}

SysResult sys_faccessat2(process::Thread& t, const Args& args) {
    return do_faccessat(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_getcwd(process::Thread& t, const Args& args) {
    TRY(need_fs(t));
    const fs::FsContext vfs = TRY(t.vfs->get());
    if (vfs.cwd->inode->stat().nlink == 0) {
        return Errno::ENOENT; // the cwd was removed
    }
    klib::String path = TRY(fs::path_string(vfs, vfs.cwd));
    if (args.a[1] < path.size() + 1) {
        return Errno::ERANGE;
    }
    OutBuffer b;
    if (b.text(path.view()).is_err() || b.u8_(0).is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(t, args.a[0]));
    return u64(b.size());
}

SysResult sys_chdir(process::Thread& t, const Args& args) {
    klib::String path = TRY(path_arg(t, args.a[0]));
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, u64(u32(AT_FDCWD)), path.view()));
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::PathNode> node = TRY(fs::resolve(vfs, base, path.view(), true));
    const fs::Stat st = node->inode->stat();
    if (!st.is_dir()) {
        return Errno::ENOTDIR;
    }
    if (!fs::permitted(st, vfs.cred, fs::MAY_EXEC)) {
        return Errno::EACCES;
    }
    t.vfs->set_cwd(klib::move(node));
    return u64(0);
}

SysResult sys_fchdir(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    TRY(need_fs(t));
    auto node = f->path();
    if (!node.has_value() || !node.value()->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    t.vfs->set_cwd(klib::move(node.value()));
    return u64(0);
}

SysResult sys_fcntl(process::Thread& t, const Args& args) {
    const u64 fd = args.a[0];
    const u64 cmd = u32(args.a[1]);
    const u64 arg = args.a[2];
    klib::Arc<fs::File> f = TRY(t.files->get(fd));
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (u32(arg) >= t.files->limit()) {
            return Errno::EINVAL;
        }
        return t.files->install(klib::move(f), cmd == F_DUPFD_CLOEXEC, u32(arg));
    case F_GETFD: {
        const bool on = TRY(t.files->cloexec(fd));
        return on ? FD_CLOEXEC : u64(0);
    }
    case F_SETFD:
        TRY(t.files->set_cloexec(fd, (arg & FD_CLOEXEC) != 0));
        return u64(0);
    case F_GETFL:
        return u64(f->flags());
    case F_SETFL:
        if (f->is_path_only()) {
            return Errno::EBADF;
        }
        f->set_status_flags(u32(arg));
        return u64(0);
    case F_GETPIPE_SZ:
        return f->pipe_size();
    case F_SETPIPE_SZ: {
        const fs::FsContext vfs = TRY(t.vfs->get());
        if (u32(arg) > fs::PIPE_MAX_SIZE && !vfs.cred.capable()) {
            return Errno::EPERM;
        }
        return f->set_pipe_size(u32(arg));
    }
    default:
        return Errno::EINVAL;
    }
}

SysResult sys_pipe2(process::Thread& t, const Args& args) {
    const u64 flags = args.a[1];
    if ((flags & ~u64(fs::O_CLOEXEC | fs::O_NONBLOCK | fs::O_DIRECT)) != 0) {
        return Errno::EINVAL;
    }
    fs::PipePair pair = TRY(fs::make_pipe(u32(flags)));
    const bool cloexec = (flags & fs::O_CLOEXEC) != 0;
    const u64 rfd = TRY(t.files->install(klib::move(pair.read), cloexec));
    auto wfd = t.files->install(klib::move(pair.write), cloexec);
    if (wfd.is_err()) {
        (void)t.files->close(rfd);
        return wfd.error();
    }
    const klib::Array<u32, 2> fds = {u32(rfd), u32(wfd.value())};
    if (t.space->write_val(args.a[0], fds).is_err()) {
        (void)t.files->close(rfd);
        (void)t.files->close(wfd.value());
        return Errno::EFAULT;
    }
    return u64(0);
}

SysResult sys_pipe(process::Thread& t, const Args& args) {
    Args a = args;
    a.a[1] = 0;
    return sys_pipe2(t, a);
}

SysResult sys_dup(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    return t.files->install(klib::move(f), false);
}

SysResult sys_dup2(process::Thread& t, const Args& args) {
    const u64 oldfd = u32(args.a[0]);
    const u64 newfd = u32(args.a[1]);
    if (oldfd == newfd) {
        TRY(t.files->get(oldfd));
        return newfd;
    }
    return do_dup3(t, oldfd, newfd, false);
}

SysResult sys_dup3(process::Thread& t, const Args& args) {
    const u64 oldfd = u32(args.a[0]);
    const u64 newfd = u32(args.a[1]);
    const u64 flags = args.a[2];
    if ((flags & ~u64(fs::O_CLOEXEC)) != 0 || oldfd == newfd) {
        return Errno::EINVAL;
    }
    return do_dup3(t, oldfd, newfd, flags != 0);
}

SysResult sys_mkdir(process::Thread& t, const Args& args) {
    return do_mkdirat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1]);
}

SysResult sys_mkdirat(process::Thread& t, const Args& args) {
    return do_mkdirat(t, args.a[0], args.a[1], args.a[2]);
}

SysResult sys_mknod(process::Thread& t, const Args& args) {
    return do_mknodat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2]);
}

SysResult sys_mknodat(process::Thread& t, const Args& args) {
    return do_mknodat(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_rmdir(process::Thread& t, const Args& args) {
    return do_unlinkat(t, u64(u32(AT_FDCWD)), args.a[0], AT_REMOVEDIR);
}

SysResult sys_unlink(process::Thread& t, const Args& args) {
    return do_unlinkat(t, u64(u32(AT_FDCWD)), args.a[0], 0);
}

SysResult sys_unlinkat(process::Thread& t, const Args& args) {
    return do_unlinkat(t, args.a[0], args.a[1], args.a[2]);
}

SysResult sys_rename(process::Thread& t, const Args& args) {
    return do_renameat2(t, u64(u32(AT_FDCWD)), args.a[0], u64(u32(AT_FDCWD)), args.a[1], 0);
}

SysResult sys_renameat(process::Thread& t, const Args& args) {
    return do_renameat2(t, args.a[0], args.a[1], args.a[2], args.a[3], 0);
}

SysResult sys_renameat2(process::Thread& t, const Args& args) {
    return do_renameat2(t, args.a[0], args.a[1], args.a[2], args.a[3], args.a[4]);
}

SysResult sys_link(process::Thread& t, const Args& args) {
    return do_linkat(t, u64(u32(AT_FDCWD)), args.a[0], u64(u32(AT_FDCWD)), args.a[1], 0);
}

SysResult sys_linkat(process::Thread& t, const Args& args) {
    return do_linkat(t, args.a[0], args.a[1], args.a[2], args.a[3], args.a[4]);
}

SysResult sys_symlink(process::Thread& t, const Args& args) {
    return do_symlinkat(t, args.a[0], u64(u32(AT_FDCWD)), args.a[1]);
}

SysResult sys_symlinkat(process::Thread& t, const Args& args) {
    return do_symlinkat(t, args.a[0], args.a[1], args.a[2]);
}

SysResult sys_chmod(process::Thread& t, const Args& args) {
    return do_fchmodat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], true);
}

SysResult sys_fchmodat(process::Thread& t, const Args& args) {
    return do_fchmodat(t, args.a[0], args.a[1], args.a[2], true);
}

SysResult sys_fchmod(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    TRY(need_fs(t));
    auto node = f->path();
    if (!node.has_value()) {
        return Errno::EINVAL;
    }
    fs::SetAttr a;
    a.mode = u32(args.a[1]) & 07777;
    TRY(setattr_checked(t, *node.value(), a));
    return u64(0);
}

SysResult sys_chown(process::Thread& t, const Args& args) {
    return do_fchownat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2], 0);
}

SysResult sys_lchown(process::Thread& t, const Args& args) {
    return do_fchownat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2], AT_SYMLINK_NOFOLLOW);
}

SysResult sys_fchownat(process::Thread& t, const Args& args) {
    return do_fchownat(t, args.a[0], args.a[1], args.a[2], args.a[3], args.a[4]);
}

SysResult sys_fchown(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    TRY(need_fs(t));
    auto node = f->path();
    if (!node.has_value()) {
        return Errno::EINVAL;
    }
    TRY(setattr_checked(t, *node.value(), chown_attr(args.a[1], args.a[2])));
    return u64(0);
}

SysResult sys_truncate(process::Thread& t, const Args& args) {
    klib::Arc<fs::PathNode> node = TRY(lookup_at(t, u64(u32(AT_FDCWD)), args.a[0], true, false));
    TRY(truncate_node(t, *node, i64(args.a[1])));
    return u64(0);
}

SysResult sys_ftruncate(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    if (i64(args.a[1]) < 0) {
        return Errno::EINVAL;
    }
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    auto inode = f->inode();
    if (!inode.has_value() || inode.value()->stat().type() != fs::S_IFREG) {
        return Errno::EINVAL;
    }
    if (!f->writable()) {
        return Errno::EINVAL;
    }
    TRY(need_fs(t));
    const fs::FsContext vfs = TRY(t.vfs->get());
    TRY(truncate_inode(*inode.value(), inode.value()->stat(), args.a[1], vfs.cred));
    return u64(0);
}

SysResult sys_fallocate(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    const u64 mode = args.a[1];
    const i64 off = i64(args.a[2]);
    const i64 len = i64(args.a[3]);
    if (off < 0 || len <= 0) {
        return Errno::EINVAL;
    }
    if (!f->writable()) {
        return Errno::EBADF;
    }
    if (mode != 0) {
        return Errno::EOPNOTSUPP;
    }
    auto inode = f->inode();
    if (!inode.has_value()) {
        return Errno::ENODEV;
    }
    const fs::Stat st = inode.value()->stat();
    if (st.is_dir()) {
        return Errno::EISDIR;
    }
    if (st.type() != fs::S_IFREG) {
        return Errno::ENODEV;
    }
    if (len > klib::max_value<i64> - off) {
        return Errno::EFBIG;
    }
    TRY(inode.value()->fallocate(u64(off), u64(len)));
    return u64(0);
}

SysResult sys_fsync(process::Thread& t, const Args& args) {
    TRY(t.files->get(args.a[0]));
    return u64(0); // memory file systems have nothing to write back
}

SysResult sys_fdatasync(process::Thread& t, const Args& args) {
    return sys_fsync(t, args);
}

SysResult sys_syncfs(process::Thread& t, const Args& args) {
    return sys_fsync(t, args);
}

SysResult sys_sync(process::Thread&, const Args&) {
    return u64(0);
}

SysResult sys_utimensat(process::Thread& t, const Args& args) {
    const u64 dirfd = args.a[0];
    const u64 path_addr = args.a[1];
    const u64 times = args.a[2];
    const u64 flags = args.a[3];
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    klib::Optional<fs::Timespec> atime = TRY(time_arg(t, times, 0));
    klib::Optional<fs::Timespec> mtime = TRY(time_arg(t, times, 1));
    TRY(need_fs(t));
    const fs::FsContext vfs = TRY(t.vfs->get());
    klib::Arc<fs::PathNode> node = vfs.cwd.clone();
    if (path_addr == 0) {
        // utimensat(fd, NULL, ...): the file behind fd (futimens).
        klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
        auto n = f->path();
        if (!n.has_value()) {
            return Errno::EBADF;
        }
        node = klib::move(n.value());
    } else {
        node = TRY(lookup_at(t, dirfd, path_addr, (flags & AT_SYMLINK_NOFOLLOW) == 0,
                             (flags & AT_EMPTY_PATH) != 0));
    }
    if (!atime.has_value() && !mtime.has_value()) {
        return u64(0);
    }
    fs::SetAttr a;
    a.atime = atime;
    a.mtime = mtime;
    // Both times "now" (NULL or UTIME_NOW twice): the owner or anyone who
    // may write (ATTR_TOUCH); any explicit time: the owner (ATTR_TIMES_SET).
    bool touch = times == 0;
    if (!touch) {
        const U64Pair at = TRY_SYS(t.space->read_val<U64Pair>(times));
        const U64Pair mt = TRY_SYS(t.space->read_val<U64Pair>(times + 16));
        touch = at[1] == UTIME_NOW && mt[1] == UTIME_NOW;
    }
    a.times_set = !touch;
    if ((node->mount->flags & fs::MS_RDONLY) != 0) {
        return Errno::EROFS;
    }
    const fs::Stat st = node->inode->stat();
    if (touch && !fs::owner_or_capable(st, vfs.cred) && !fs::permitted(st, vfs.cred, fs::MAY_WRITE)) {
        return Errno::EACCES;
    }
    TRY(setattr_checked(t, *node, a));
    return u64(0);
}

SysResult sys_umask(process::Thread& t, const Args& args) {
    TRY(need_fs(t));
    const u32 old = t.vfs->swap_umask(u32(args.a[0]) & 0777);
    return u64(old);
}

SysResult sys_statfs(process::Thread& t, const Args& args) {
    klib::Arc<fs::PathNode> node = TRY(lookup_at(t, u64(u32(AT_FDCWD)), args.a[0], true, false));
    TRY(copy_statfs(t, *node, args.a[1]));
    return u64(0);
}

SysResult sys_fstatfs(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    auto node = f->path();
    if (!node.has_value()) {
        return Errno::EINVAL;
    }
    TRY(copy_statfs(t, *node.value(), args.a[1]));
    return u64(0);
}

SysResult sys_mount(process::Thread& t, const Args& args) {
    TRY(need_fs(t));
    u64 flags = args.a[3];
    if ((flags & 0xffff0000) == fs::MS_MGC_VAL) {
        flags &= 0xffff;
    }
    klib::String target = TRY(path_arg(t, args.a[1]));
    klib::String type;
    if (args.a[2] != 0) {
        type = TRY(read_path(t, args.a[2]));
    }
    klib::String source;
    if (args.a[0] != 0) {
        source = TRY(read_path(t, args.a[0]));
    }
    const fs::FsContext vfs = TRY(t.vfs->get());
    if (!vfs.cred.capable()) {
        return Errno::EPERM; // CAP_SYS_ADMIN
    }
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, u64(u32(AT_FDCWD)), target.view()));
    klib::Arc<fs::PathNode> at = TRY(fs::resolve(vfs, base, target.view(), true));
    if ((flags & (fs::MS_REMOUNT | fs::MS_BIND)) != 0) {
        return Errno::EINVAL; // not supported yet
    }
    klib::String data;
    if (args.a[4] != 0) {
        data = TRY(read_path(t, args.a[4]));
    }
    klib::Arc<fs::FileSystem> filesystem = TRY(fs::make_filesystem(type.view(), data.view()));
    if (!at->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    TRY(vfs.ns->mount(at, klib::move(filesystem), source.view(), type.view(),
                                flags & (fs::MS_RDONLY | fs::MS_NOSUID | fs::MS_NODEV | fs::MS_NOEXEC)));
    return u64(0);
}

SysResult sys_umount2(process::Thread& t, const Args& args) {
    const u64 flags = args.a[1];
    if ((flags & ~(fs::MNT_FORCE | fs::MNT_DETACH | fs::MNT_EXPIRE | fs::UMOUNT_NOFOLLOW)) != 0) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::PathNode> at =
        TRY(lookup_at(t, u64(u32(AT_FDCWD)), args.a[0], (flags & fs::UMOUNT_NOFOLLOW) == 0, false));
    const fs::FsContext vfs = TRY(t.vfs->get());
    if (!vfs.cred.capable()) {
        return Errno::EPERM; // CAP_SYS_ADMIN
    }
    // A process whose cwd is inside keeps the mount busy (Linux: EBUSY).
    const fs::FsContext& c = vfs;
    TRY(c.ns->umount(at, (flags & fs::MNT_DETACH) != 0, c.cwd));
    return u64(0);
}

} // namespace services::syscall

namespace services::syscall {

namespace {

constexpr u64 STATX_BASIC_STATS = 0x7ff;
constexpr u64 STATX_MNT_ID = 0x1000;
constexpr u64 STATX_RESERVED = 0x80000000;
constexpr u64 AT_STATX_SYNC_TYPE = 0x6000;

} // namespace

SysResult sys_statx(process::Thread& t, const Args& args) {
    const u64 dirfd = args.a[0];
    const u64 flags = args.a[2];
    const u64 mask = u32(args.a[3]);
    const u64 buf = args.a[4];
    if ((mask & STATX_RESERVED) != 0) {
        return Errno::EINVAL;
    }
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) != 0 ||
        (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) {
        return Errno::EINVAL;
    }
    klib::String path = TRY(read_path(t, args.a[1]));
    fs::Stat st;
    u64 mnt_id = 0;
    if (path.empty() && (flags & AT_EMPTY_PATH) != 0 && i32(u32(dirfd)) != AT_FDCWD) {
        klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
        st = TRY(f->stat());
        auto node = f->path();
        if (node.has_value()) {
            mnt_id = node.value()->mount->id;
        }
    } else {
        klib::Arc<fs::PathNode> node = TRY(lookup_at(t, dirfd, args.a[1], (flags & AT_SYMLINK_NOFOLLOW) == 0,
                                                     (flags & AT_EMPTY_PATH) != 0));
        st = node->inode->stat();
        mnt_id = node->mount->id;
    }
    // struct statx (256 bytes) as 32 words.
    klib::Array<u64, 32> w{};
    w[0] = (STATX_BASIC_STATS | STATX_MNT_ID) | (st.blksize << 32);
    w[2] = u64(st.nlink) | (u64(st.uid) << 32);
    w[3] = u64(st.gid) | (u64(st.mode & 0xffff) << 32);
    w[4] = st.ino;
    w[5] = st.size;
    w[6] = st.blocks;
    w[8] = u64(st.atime.sec);
    w[9] = u64(st.atime.nsec);
    w[12] = u64(st.ctime.sec);
    w[13] = u64(st.ctime.nsec);
    w[14] = u64(st.mtime.sec);
    w[15] = u64(st.mtime.nsec);
    w[16] = u64(fs::dev_major(st.rdev)) | (u64(fs::dev_minor(st.rdev)) << 32);
    w[17] = u64(fs::dev_major(st.dev)) | (u64(fs::dev_minor(st.dev)) << 32);
    w[18] = mnt_id;
    TRY_SYS(t.space->write_val(buf, w));
    return u64(0);
}

SysResult sys_copy_file_range(process::Thread& t, const Args& args) {
    const u64 in_off_addr = args.a[1];
    const u64 out_off_addr = args.a[3];
    const u64 len = args.a[4] > 0x7ffff000 ? 0x7ffff000 : args.a[4];
    if (args.a[5] != 0) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::File> in = TRY(t.files->get(args.a[0]));
    klib::Arc<fs::File> out = TRY(t.files->get(args.a[2]));
    if (!in->readable() || !out->writable() || (out->flags() & fs::O_APPEND) != 0) {
        return Errno::EBADF;
    }
    const fs::Stat ist = TRY(in->stat());
    const fs::Stat ost = TRY(out->stat());
    if (ist.is_dir() || ost.is_dir()) {
        return Errno::EISDIR;
    }
    if (ist.type() != fs::S_IFREG || ost.type() != fs::S_IFREG) {
        return Errno::EINVAL;
    }
    u64 ioff = in->offset();
    u64 ooff = out->offset();
    if (in_off_addr != 0) {
        ioff = TRY_SYS(t.space->read_val<u64>(in_off_addr));
    }
    if (out_off_addr != 0) {
        ooff = TRY_SYS(t.space->read_val<u64>(out_off_addr));
    }
    if (i64(ioff) < 0 || i64(ooff) < 0) {
        return Errno::EINVAL;
    }
    if (ist.dev == ost.dev && ist.ino == ost.ino && ioff < ooff + len && ooff < ioff + len) {
        return Errno::EINVAL; // overlapping ranges of one file
    }
    const u64 done = TRY(transfer(*in, ioff, *out, klib::Optional<u64>(ooff), len));
    if (in_off_addr != 0) {
        TRY_SYS(t.space->write_val(in_off_addr, u64(ioff + done)));
    } else {
        in->set_offset(ioff + done);
    }
    if (out_off_addr != 0) {
        TRY_SYS(t.space->write_val(out_off_addr, u64(ooff + done)));
    } else {
        out->set_offset(ooff + done);
    }
    return done;
}

} // namespace services::syscall
