// Helpers for system calls that move data between user memory and kernel
// buffers: NUL-terminated paths, little-endian records built for copying
// out, and file descriptors' dirfd conventions.
#pragma once

#include "../process/process.h"
#include "errno.h"
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::syscall {

constexpr i32 AT_FDCWD = -100;
constexpr u64 AT_SYMLINK_NOFOLLOW = 0x100;
constexpr u64 AT_EACCESS = 0x200;
constexpr u64 AT_NO_AUTOMOUNT = 0x800;
constexpr u64 AT_EMPTY_PATH = 0x1000;

// The NUL-terminated string at `addr` (EFAULT if unreadable before its
// NUL, ENAMETOOLONG if there is no NUL in the first PATH_MAX bytes). The
// empty string is returned as is: callers decide (usually ENOENT).
klib::Result<klib::String, Errno> read_path(const process::Thread& t, u64 addr);

// Where a lookup of `path` relative to `dirfd` starts: the root for
// absolute paths, the cwd for AT_FDCWD, else the directory behind dirfd
// (EBADF, ENOTDIR). ENOENT when the process has no file system.
klib::Result<klib::Arc<fs::PathNode>, Errno> start_dir(const process::Thread& t, u64 dirfd,
                                                      klib::StringView path);

// struct stat (x86-64, 144 bytes) as 18 u64 words, written in one copy.
klib::Result<void, Errno> copy_stat(const process::Thread& t, const fs::Stat& st, u64 addr);

// A little-endian record under construction.
class OutBuffer {
public:
    klib::Result<void> u8_(u8 v) { return bytes_.try_push(v); }
    klib::Result<void> u16_(u16 v) { return le(v, 2); }
    klib::Result<void> u32_(u32 v) { return le(v, 4); }
    klib::Result<void> u64_(u64 v) { return le(v, 8); }
    klib::Result<void> zeros(usize n) {
        for (usize i = 0; i < n; ++i) {
            TRY(bytes_.try_push(0));
        }
        return {};
    }
    klib::Result<void> text(klib::StringView s) {
        for (char c : s) {
            TRY(bytes_.try_push(u8(c)));
        }
        return {};
    }
    usize size() const { return bytes_.size(); }
    // Copies the record to user memory at `addr` (EFAULT).
    klib::Result<void, Errno> copy_out(const process::Thread& t, u64 addr) const;

private:
    klib::Result<void> le(u64 v, usize n) {
        for (usize i = 0; i < n; ++i) {
            TRY(bytes_.try_push(u8(v >> (8 * i))));
        }
        return {};
    }
    klib::Vec<u8> bytes_;
};

} // namespace services::syscall
