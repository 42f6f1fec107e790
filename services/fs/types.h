// Values shared by the VFS, the file systems and the file syscalls: Linux's
// mode bits, open flags and limits, and the attributes stat(2) reports.
#pragma once

#include "../cred/cred.h"
#include "../syscall/errno.h"
#include <klib/string.h>
#include <klib/types.h>

namespace services::fs {

using syscall::Errno;

// File type bits of st_mode (Linux's stat.h).
constexpr u32 S_IFMT = 0170000;
constexpr u32 S_IFDIR = 0040000;
constexpr u32 S_IFREG = 0100000;
constexpr u32 S_IFLNK = 0120000;
constexpr u32 S_IFCHR = 0020000;
constexpr u32 S_IFBLK = 0060000;
constexpr u32 S_IFIFO = 0010000;
constexpr u32 S_IFSOCK = 0140000;
constexpr u32 S_ISUID = 04000;
constexpr u32 S_ISGID = 02000;
constexpr u32 S_ISVTX = 01000;

// open(2) flags (Linux x86-64).
constexpr u32 O_ACCMODE = 03;
constexpr u32 O_RDONLY = 00;
constexpr u32 O_WRONLY = 01;
constexpr u32 O_RDWR = 02;
constexpr u32 O_CREAT = 0100;
constexpr u32 O_EXCL = 0200;
constexpr u32 O_NOCTTY = 0400;
constexpr u32 O_TRUNC = 01000;
constexpr u32 O_APPEND = 02000;
constexpr u32 O_NONBLOCK = 04000;
constexpr u32 O_DSYNC = 010000;
constexpr u32 O_DIRECT = 040000;
constexpr u32 O_LARGEFILE = 0100000; // reported by F_GETFL on 64-bit, like Linux
constexpr u32 O_DIRECTORY = 0200000;
constexpr u32 O_NOFOLLOW = 0400000;
constexpr u32 O_NOATIME = 01000000;
constexpr u32 O_CLOEXEC = 02000000;
constexpr u32 O_PATH = 010000000;
constexpr u32 O_TMPFILE = 020000000;

// rename flags.
constexpr u32 RENAME_NOREPLACE = 1;
constexpr u32 RENAME_EXCHANGE = 2;
constexpr u32 RENAME_WHITEOUT = 4;

constexpr usize NAME_MAX = 255;
constexpr usize PATH_MAX = 4096; // including the NUL
constexpr u32 MAX_SYMLINKS = 40;

// Permission requests (access(2)'s R_OK/W_OK/X_OK, also used internally).
constexpr u32 MAY_EXEC = 1;
constexpr u32 MAY_WRITE = 2;
constexpr u32 MAY_READ = 4;

constexpr u64 NSEC_PER_SEC = 1000000000;

struct Timespec {
    i64 sec = 0;
    i64 nsec = 0;
};

// Linux's new_encode_dev.
constexpr u64 encode_dev(u32 major, u32 minor) {
    return u64(minor & 0xff) | (u64(major & 0xfff) << 8) | (u64(minor & ~0xffu) << 12);
}
constexpr u32 dev_major(u64 dev) {
    return u32((dev >> 8) & 0xfff);
}
constexpr u32 dev_minor(u64 dev) {
    return u32((dev & 0xff) | ((dev >> 12) & ~u64(0xff)));
}

// What stat(2) reports about an inode, as values.
struct Stat {
    u64 dev = 0;
    u64 ino = 0;
    u32 mode = 0;
    u32 nlink = 0;
    u32 uid = 0;
    u32 gid = 0;
    u64 rdev = 0;
    u64 size = 0;
    u64 blksize = 4096;
    u64 blocks = 0; // 512-byte units
    Timespec atime;
    Timespec mtime;
    Timespec ctime;

    u32 type() const { return mode & S_IFMT; }
    bool is_dir() const { return type() == S_IFDIR; }
};

// What statfs(2) reports about a file system.
struct StatFs {
    u64 type = 0; // magic
    u64 bsize = 4096;
    u64 blocks = 0;
    u64 bfree = 0;
    u64 bavail = 0;
    u64 files = 0;
    u64 ffree = 0;
    u64 namelen = NAME_MAX;
    u64 frsize = 4096;
    u64 flags = 0;
};

// One directory entry as getdents sees it.
struct DirentInfo {
    klib::String name;
    u64 ino = 0;
    u8 type = 0;   // DT_* (mode type >> 12)
    u64 next = 0;  // the position after this entry (d_off)
};

// The caller's identity for permission checks (services/cred).
using Cred = cred::Credentials;

// Linux's generic_permission with the fs ids: owner, group (the fs gid or
// a supplementary group) or other bits; with CAP_DAC_OVERRIDE (fs uid 0)
// anything may be read and written, and executed when some x bit is set
// (directories: searched always).
inline bool permitted(const Stat& st, const Cred& c, u32 may) {
    if (c.fs_capable()) {
        if ((may & MAY_EXEC) != 0 && !st.is_dir() && (st.mode & 0111) == 0) {
            return false;
        }
        return true;
    }
    u32 bits = st.mode & 07;
    if (c.fsuid == st.uid) {
        bits = (st.mode >> 6) & 07;
    } else if (c.in_group(st.gid)) {
        bits = (st.mode >> 3) & 07;
    }
    return (bits & may) == may;
}

} // namespace services::fs
