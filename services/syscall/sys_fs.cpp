// File-system calls: open/openat/close, lseek, the stat family,
// getdents64, readlink(at), access/faccessat(2), getcwd, chdir/fchdir,
// fcntl, dup/dup2/dup3. The RamFs is read-only: opening for writing or
// creating is EROFS.
#include "syscall.h"
#include "user_mem.h"

namespace services::syscall {

namespace {

constexpr u64 SEEK_SET = 0;
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
constexpr u64 FD_CLOEXEC = 1;
constexpr u64 R_OK = 4;
constexpr u64 W_OK = 2;
constexpr u64 X_OK = 1;
constexpr u64 ROOTFS_DEV = 1;      // st_dev of every RamFs inode
constexpr u32 CONSOLE_MAJOR = 5;  // /dev/console is c 5 1
constexpr u32 MEM_MAJOR = 1;      // /dev/null c 1 3, /dev/zero c 1 5

// Linux's new_encode_dev.
u64 encode_dev(u32 major, u32 minor) {
    return u64(minor & 0xff) | (u64(major & 0xfff) << 8) | (u64(minor & ~0xffu) << 12);
}

// struct stat (x86-64, 144 bytes) for `st`.
klib::Result<void, Errno> copy_stat(const process::Process& p, const fs::Stat& st, u64 addr) {
    OutBuffer b;
    auto r = b.u64_(ROOTFS_DEV);
    r = r.is_ok() ? b.u64_(st.ino) : klib::move(r);
    r = r.is_ok() ? b.u64_(st.nlink) : klib::move(r);
    r = r.is_ok() ? b.u32_(st.mode) : klib::move(r);
    r = r.is_ok() ? b.u32_(st.uid) : klib::move(r);
    r = r.is_ok() ? b.u32_(st.gid) : klib::move(r);
    r = r.is_ok() ? b.u32_(0) : klib::move(r);
    r = r.is_ok() ? b.u64_(encode_dev(st.rdev_major, st.rdev_minor)) : klib::move(r);
    r = r.is_ok() ? b.u64_(st.size) : klib::move(r);
    r = r.is_ok() ? b.u64_(4096) : klib::move(r); // st_blksize
    r = r.is_ok() ? b.u64_(st.blocks) : klib::move(r);
    for (usize i = 0; i < 3 && r.is_ok(); ++i) { // atime, mtime, ctime
        r = b.u64_(st.mtime);
        r = r.is_ok() ? b.u64_(0) : klib::move(r);
    }
    r = r.is_ok() ? b.zeros(24) : klib::move(r);
    if (r.is_err()) {
        return Errno::ENOMEM;
    }
    return b.copy_out(p, addr);
}

// The Stat of an open file.
klib::Result<fs::Stat, Errno> stat_of(const process::Process& p, const fs::OpenFile& f) {
    if (f.ino() != 0) {
        klib::Arc<fs::RamFs> root = TRY(root_fs(p));
        return root->stat(f.ino());
    }
    // A device without a node in the file system (fds 0-2 before /dev exists).
    fs::Stat st;
    st.mode = fs::S_IFCHR | 0600;
    st.nlink = 1;
    st.rdev_major = f.kind() == fs::FileKind::Console ? CONSOLE_MAJOR : MEM_MAJOR;
    st.rdev_minor = f.kind() == fs::FileKind::Console ? 1 : f.kind() == fs::FileKind::Null ? 3 : 5;
    return st;
}

// The description an open of inode `ino` gets: devices by number.
klib::Result<fs::FileKind, Errno> kind_of(const fs::RamFs& root, fs::Ino ino) {
    const fs::Stat st = root.stat(ino);
    const u32 type = st.mode & fs::S_IFMT;
    if (type == fs::S_IFCHR) {
        if (st.rdev_major == CONSOLE_MAJOR && st.rdev_minor == 1) {
            return fs::FileKind::Console;
        }
        if (st.rdev_major == MEM_MAJOR && st.rdev_minor == 3) {
            return fs::FileKind::Null;
        }
        if (st.rdev_major == MEM_MAJOR && st.rdev_minor == 5) {
            return fs::FileKind::Zero;
        }
        return Errno::ENXIO;
    }
    if (type == fs::S_IFBLK || type == fs::S_IFIFO || type == fs::S_IFSOCK) {
        return Errno::ENXIO;
    }
    return fs::FileKind::Inode;
}

SysResult do_openat(process::Process& p, u64 dirfd, u64 path_addr, u64 flags_arg) {
    const u32 flags = u32(flags_arg);
    klib::String path = TRY(read_path(p, path_addr));
    if (path.empty()) {
        return Errno::ENOENT;
    }
    if ((flags & fs::O_TMPFILE) != 0) {
        return Errno::EROFS;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    const fs::Ino start = TRY(start_dir(p, dirfd, path.view()));
    const bool path_only = (flags & fs::O_PATH) != 0;
    const bool creat = !path_only && (flags & fs::O_CREAT) != 0;
    const bool excl = creat && (flags & fs::O_EXCL) != 0;
    const bool follow = (flags & fs::O_NOFOLLOW) == 0 && !excl;
    fs::Walk w = TRY(root->walk(start, path.view(), follow));
    if (!w.ino.has_value()) {
        return creat ? Errno::EROFS : Errno::ENOENT;
    }
    const fs::Ino ino = w.ino.value();
    if (excl) {
        return Errno::EEXIST;
    }
    const u32 type = root->mode(ino) & fs::S_IFMT;
    if (type == fs::S_IFLNK && !path_only) {
        return Errno::ELOOP; // O_NOFOLLOW on a symbolic link
    }
    if ((flags & fs::O_DIRECTORY) != 0 && type != fs::S_IFDIR) {
        return Errno::ENOTDIR;
    }
    const u32 acc = flags & fs::O_ACCMODE;
    const bool wants_write = !path_only && (acc == fs::O_WRONLY || acc == fs::O_RDWR);
    if (type == fs::S_IFDIR && (wants_write || creat)) {
        return Errno::EISDIR;
    }
    fs::FileKind kind = fs::FileKind::Inode;
    if (!path_only) {
        kind = TRY(kind_of(*root, ino));
        if (kind == fs::FileKind::Inode && (wants_write || (flags & fs::O_TRUNC) != 0)) {
            return Errno::EROFS;
        }
    }
    // The flags F_GETFL reports, as Linux keeps them in struct file.
    u32 kept = flags & ~(fs::O_CREAT | fs::O_EXCL | fs::O_NOCTTY | fs::O_TRUNC | fs::O_CLOEXEC);
    if (path_only) {
        kept = flags & (fs::O_PATH | fs::O_DIRECTORY | fs::O_NOFOLLOW);
    }
    kept |= fs::O_LARGEFILE;
    auto file = klib::Arc<fs::OpenFile>::make(kind, ino, kept);
    if (file.is_err()) {
        return Errno::ENOMEM;
    }
    return p.files.install(file.release_value(), (flags & fs::O_CLOEXEC) != 0);
}

// stat/lstat/newfstatat: look `path` up from `dirfd` and copy its stat.
SysResult do_fstatat(process::Process& p, u64 dirfd, u64 path_addr, u64 buf, u64 flags) {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    klib::String path = TRY(read_path(p, path_addr));
    if (path.empty()) {
        if ((flags & AT_EMPTY_PATH) == 0) {
            return Errno::ENOENT;
        }
        if (i32(u32(dirfd)) == AT_FDCWD) {
            klib::Arc<fs::RamFs> root = TRY(root_fs(p));
            TRY(copy_stat(p, root->stat(p.cwd), buf));
            return u64(0);
        }
        klib::Arc<fs::OpenFile> f = TRY(p.files.get(u64(u32(dirfd))));
        const fs::Stat st = TRY(stat_of(p, *f));
        TRY(copy_stat(p, st, buf));
        return u64(0);
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    const fs::Ino start = TRY(start_dir(p, dirfd, path.view()));
    const fs::Ino ino =
        TRY(root->resolve(start, path.view(), (flags & AT_SYMLINK_NOFOLLOW) == 0));
    TRY(copy_stat(p, root->stat(ino), buf));
    return u64(0);
}

SysResult do_readlinkat(process::Process& p, u64 dirfd, u64 path_addr, u64 buf, u64 size) {
    klib::String path = TRY(read_path(p, path_addr));
    if (path.empty()) {
        return Errno::ENOENT;
    }
    if (i32(u32(size)) <= 0) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    const fs::Ino start = TRY(start_dir(p, dirfd, path.view()));
    const fs::Ino ino = TRY(root->resolve(start, path.view(), false));
    auto target = root->link_target(ino);
    if (target.is_err()) {
        return Errno::EINVAL;
    }
    OutBuffer b;
    const klib::StringView t = target.value().view();
    const usize n = t.size() < usize(u32(size)) ? t.size() : usize(u32(size));
    if (b.text(t.substr(0, n)).is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(p, buf));
    return u64(n);
}

SysResult do_faccessat(process::Process& p, u64 dirfd, u64 path_addr, u64 mode, u64 flags) {
    if ((mode & ~(R_OK | W_OK | X_OK)) != 0) {
        return Errno::EINVAL;
    }
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
        return Errno::EINVAL;
    }
    klib::String path = TRY(read_path(p, path_addr));
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    fs::Ino ino = 0;
    if (path.empty()) {
        if ((flags & AT_EMPTY_PATH) == 0) {
            return Errno::ENOENT;
        }
        ino = TRY(start_dir(p, dirfd, path.view()));
    } else {
        const fs::Ino start = TRY(start_dir(p, dirfd, path.view()));
        ino = TRY(root->resolve(start, path.view(), (flags & AT_SYMLINK_NOFOLLOW) == 0));
    }
    // The caller is root: reading and searching are always allowed;
    // executing needs an x bit on non-directories; writing hits the
    // read-only file system.
    const u32 m = root->mode(ino);
    const u32 type = m & fs::S_IFMT;
    if ((mode & W_OK) != 0 && (type == fs::S_IFREG || type == fs::S_IFDIR || type == fs::S_IFLNK)) {
        return Errno::EROFS;
    }
    if ((mode & X_OK) != 0 && type != fs::S_IFDIR && (m & 0111) == 0) {
        return Errno::EACCES;
    }
    return u64(0);
}

SysResult do_dup3(process::Process& p, u64 oldfd, u64 newfd, bool cloexec) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(oldfd));
    if (newfd >= fs::FdTable::MAX_FDS) {
        return Errno::EBADF;
    }
    TRY(p.files.install_at(newfd, klib::move(f), cloexec));
    return newfd;
}

} // namespace

SysResult sys_open(process::Process& p, const Args& args) {
    return do_openat(p, u64(u32(AT_FDCWD)), args.a[0], args.a[1]);
}

SysResult sys_openat(process::Process& p, const Args& args) {
    return do_openat(p, args.a[0], args.a[1], args.a[2]);
}

SysResult sys_close(process::Process& p, const Args& args) {
    TRY(p.files.close(args.a[0]));
    return u64(0);
}

SysResult sys_lseek(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    const i64 off = i64(args.a[1]);
    const u64 whence = args.a[2];
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    switch (f->kind()) {
    case fs::FileKind::Console:
        return Errno::ESPIPE;
    case fs::FileKind::Null:
    case fs::FileKind::Zero:
        f->set_offset(0);
        return u64(0);
    case fs::FileKind::Inode:
        break;
    }
    if (whence > SEEK_HOLE) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    const bool dir = root->is_dir(f->ino());
    const i64 size = i64(root->size(f->ino()));
    i64 base = 0;
    if (whence == SEEK_SET) {
        base = 0;
    } else if (whence == SEEK_CUR) {
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
        const i64 pos = whence == SEEK_DATA ? off : size;
        f->set_offset(u64(pos));
        return u64(pos);
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

SysResult sys_fstat(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    const fs::Stat st = TRY(stat_of(p, *f));
    TRY(copy_stat(p, st, args.a[1]));
    return u64(0);
}

SysResult sys_stat(process::Process& p, const Args& args) {
    return do_fstatat(p, u64(u32(AT_FDCWD)), args.a[0], args.a[1], 0);
}

SysResult sys_lstat(process::Process& p, const Args& args) {
    return do_fstatat(p, u64(u32(AT_FDCWD)), args.a[0], args.a[1], AT_SYMLINK_NOFOLLOW);
}

SysResult sys_newfstatat(process::Process& p, const Args& args) {
    return do_fstatat(p, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_getdents64(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    if (f->kind() != fs::FileKind::Inode || !root->is_dir(f->ino())) {
        return Errno::ENOTDIR;
    }
    const u64 count = args.a[2] > (1u << 20) ? (1u << 20) : args.a[2];
    OutBuffer b;
    u64 index = f->offset();
    for (;;) {
        auto entry = root->dirent(f->ino(), index);
        if (entry.is_err()) {
            return Errno::ENOMEM;
        }
        if (!entry.value().has_value()) {
            break;
        }
        const fs::DirentInfo& d = entry.value().value();
        // struct linux_dirent64: ino, off, reclen, type, name, NUL, padding.
        const usize reclen = (19 + d.name.size() + 1 + 7) & ~usize(7);
        if (b.size() + reclen > count) {
            if (b.size() == 0) {
                return Errno::EINVAL;
            }
            break;
        }
        auto r = b.u64_(d.ino);
        r = r.is_ok() ? b.u64_(index + 1) : klib::move(r);
        r = r.is_ok() ? b.u16_(u16(reclen)) : klib::move(r);
        r = r.is_ok() ? b.u8_(d.type) : klib::move(r);
        r = r.is_ok() ? b.text(d.name.view()) : klib::move(r);
        r = r.is_ok() ? b.zeros(reclen - 19 - d.name.size()) : klib::move(r);
        if (r.is_err()) {
            return Errno::ENOMEM;
        }
        ++index;
    }
    TRY(b.copy_out(p, args.a[1]));
    f->set_offset(index);
    return u64(b.size());
}

SysResult sys_readlink(process::Process& p, const Args& args) {
    return do_readlinkat(p, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2]);
}

SysResult sys_readlinkat(process::Process& p, const Args& args) {
    return do_readlinkat(p, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_access(process::Process& p, const Args& args) {
    return do_faccessat(p, u64(u32(AT_FDCWD)), args.a[0], args.a[1], 0);
}

SysResult sys_faccessat(process::Process& p, const Args& args) {
    return do_faccessat(p, args.a[0], args.a[1], args.a[2], 0);
}

SysResult sys_faccessat2(process::Process& p, const Args& args) {
    return do_faccessat(p, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_getcwd(process::Process& p, const Args& args) {
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    klib::String path = TRY_SYS(root->path_of(p.cwd));
    if (args.a[1] < path.size() + 1) {
        return Errno::ERANGE;
    }
    OutBuffer b;
    if (b.text(path.view()).is_err() || b.u8_(0).is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(p, args.a[0]));
    return u64(b.size());
}

SysResult sys_chdir(process::Process& p, const Args& args) {
    klib::String path = TRY(read_path(p, args.a[0]));
    if (path.empty()) {
        return Errno::ENOENT;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    const fs::Ino start = TRY(start_dir(p, u64(u32(AT_FDCWD)), path.view()));
    const fs::Ino ino = TRY(root->resolve(start, path.view(), true));
    if (!root->is_dir(ino)) {
        return Errno::ENOTDIR;
    }
    p.cwd = ino;
    return u64(0);
}

SysResult sys_fchdir(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    if (f->kind() != fs::FileKind::Inode || !root->is_dir(f->ino())) {
        return Errno::ENOTDIR;
    }
    p.cwd = f->ino();
    return u64(0);
}

SysResult sys_fcntl(process::Process& p, const Args& args) {
    const u64 fd = args.a[0];
    const u64 cmd = u32(args.a[1]);
    const u64 arg = args.a[2];
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(fd));
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (u32(arg) >= fs::FdTable::MAX_FDS) {
            return Errno::EINVAL;
        }
        return p.files.install(klib::move(f), cmd == F_DUPFD_CLOEXEC, u32(arg));
    case F_GETFD: {
        const bool on = TRY(p.files.cloexec(fd));
        return on ? FD_CLOEXEC : u64(0);
    }
    case F_SETFD:
        TRY(p.files.set_cloexec(fd, (arg & FD_CLOEXEC) != 0));
        return u64(0);
    case F_GETFL:
        return u64(f->flags());
    case F_SETFL:
        if (f->is_path_only()) {
            return Errno::EBADF;
        }
        f->set_status_flags(u32(arg));
        return u64(0);
    default:
        return Errno::EINVAL;
    }
}

SysResult sys_dup(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    return p.files.install(klib::move(f), false);
}

SysResult sys_dup2(process::Process& p, const Args& args) {
    const u64 oldfd = u32(args.a[0]);
    const u64 newfd = u32(args.a[1]);
    if (oldfd == newfd) {
        TRY(p.files.get(oldfd));
        return newfd;
    }
    return do_dup3(p, oldfd, newfd, false);
}

SysResult sys_dup3(process::Process& p, const Args& args) {
    const u64 oldfd = u32(args.a[0]);
    const u64 newfd = u32(args.a[1]);
    const u64 flags = args.a[2];
    if ((flags & ~u64(fs::O_CLOEXEC)) != 0 || oldfd == newfd) {
        return Errno::EINVAL;
    }
    return do_dup3(p, oldfd, newfd, flags != 0);
}

} // namespace services::syscall
