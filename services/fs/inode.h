// One node of the in-memory file system: a directory, a regular file, a
// symbolic link or a device/fifo/socket node (only the metadata of those).
#pragma once

#include <klib/string.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::fs {

// File type bits of st_mode (Linux's stat.h).
constexpr u32 S_IFMT = 0170000;
constexpr u32 S_IFDIR = 0040000;
constexpr u32 S_IFREG = 0100000;
constexpr u32 S_IFLNK = 0120000;
constexpr u32 S_IFCHR = 0020000;
constexpr u32 S_IFBLK = 0060000;
constexpr u32 S_IFIFO = 0010000;
constexpr u32 S_IFSOCK = 0140000;

// Inode numbers: 1 is the root; 0 is never an inode.
using Ino = u32;
constexpr Ino ROOT_INO = 1;

// A name in a directory.
struct DirEntry {
    klib::String name;
    Ino ino = 0;
};

struct Inode {
    u32 mode = 0; // type and permission bits, as st_mode
    u32 uid = 0;
    u32 gid = 0;
    u32 mtime = 0; // seconds since the epoch
    u32 rdev_major = 0;
    u32 rdev_minor = 0;
    Ino parent = 0;                // directories: the inode ".." names
    klib::Vec<u8> data;            // regular file: contents; symlink: target
    klib::Vec<DirEntry> entries;   // directory: its names, in creation order

    u32 type() const { return mode & S_IFMT; }
    bool is_dir() const { return type() == S_IFDIR; }
    bool is_symlink() const { return type() == S_IFLNK; }
    bool is_regular() const { return type() == S_IFREG; }
};

// The fields stat(2) reports, as values.
struct Stat {
    Ino ino = 0;
    u32 mode = 0;
    u32 nlink = 0;
    u32 uid = 0;
    u32 gid = 0;
    u32 rdev_major = 0;
    u32 rdev_minor = 0;
    u64 size = 0;
    u64 blocks = 0; // 512-byte units
    u32 mtime = 0;
};

// One getdents64 record's contents.
struct DirentInfo {
    klib::String name;
    Ino ino = 0;
    u8 type = 0; // DT_* (mode type >> 12)
};

} // namespace services::fs
