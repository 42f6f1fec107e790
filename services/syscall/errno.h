// Linux errno values (asm-generic/errno-base.h, errno.h) and the one place
// where framework errors become errno.
#pragma once

#include <klib/result.h>
#include <klib/types.h>

namespace services::syscall {

enum class Errno : i64 {
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOTTY = 25,
    ETXTBSY = 26,
    EFBIG = 27,
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,
    EMLINK = 31,
    EPIPE = 32,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    EOVERFLOW = 75,
    ELIBBAD = 80,
    EOPNOTSUPP = 95,
    ETIMEDOUT = 110,
    // Kernel-internal: an interrupted syscall asks the signal code to
    // restart it or turn it into EINTR (never seen by user code).
    ERESTARTSYS = 512,
    ERESTARTNOINTR = 513,
    ERESTARTNOHAND = 514,
    ERESTART_RESTARTBLOCK = 516,
};

constexpr Errno to_errno(klib::Error e) {
    switch (e) {
    case klib::Error::NoMemory:
        return Errno::ENOMEM;
    case klib::Error::InvalidArgument:
        return Errno::EINVAL;
    case klib::Error::OutOfRange:
        return Errno::EFAULT;
    case klib::Error::NotFound:
        return Errno::ENOENT;
    case klib::Error::Busy:
        return Errno::EBUSY;
    case klib::Error::Fault:
        return Errno::EFAULT;
    case klib::Error::Unsupported:
        return Errno::ENOSYS;
    case klib::Error::Exists:
        return Errno::EEXIST;
    case klib::Error::WouldBlock:
        return Errno::EAGAIN;
    case klib::Error::IoError:
        return Errno::EIO;
    case klib::Error::PermissionDenied:
        return Errno::EPERM;
    case klib::Error::Overflow:
        return Errno::ERANGE;
    case klib::Error::Interrupted:
        return Errno::EINTR;
    case klib::Error::TimedOut:
        return Errno::ETIMEDOUT;
    case klib::Error::NoSpace:
        return Errno::ENOSPC;
    case klib::Error::BadState:
        return Errno::EINVAL;
    }
    return Errno::EINVAL;
}

// A syscall's result: a value for rax, or an errno (returned as -errno).
using SysResult = klib::Result<u64, Errno>;

} // namespace services::syscall

// Propagates a klib::Error from `expr` as the matching errno (the trusted
// KLIB_TRY_MAP expansion: checked code writes no statement expressions).
#define TRY_SYS(expr) KLIB_TRY_MAP(expr, ::services::syscall::to_errno)
