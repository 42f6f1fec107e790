// write, writev, ioctl: the console is the only file for now (fds 0-2).
#include "syscall.h"
#include <keel/console.h>
#include <klib/array.h>

namespace services::syscall {

namespace {

constexpr u64 IOV_MAX = 1024;
constexpr u64 MAX_RW = 0x7ffff000; // Linux caps one read/write at this

bool is_console(u64 fd) {
    return fd <= 2;
}

// Copies [buf, buf + len) from user memory to the console in chunks.
SysResult write_user(const process::Process& p, u64 buf, u64 len) {
    klib::Array<u8, 256> chunk{};
    u64 done = 0;
    while (done < len) {
        u64 n = len - done < chunk.size() ? len - done : chunk.size();
        auto part = chunk.span().first(n);
        auto r = p.space.read_bytes(buf + done, part);
        if (r.is_err()) {
            // Linux returns what was written before the fault, else EFAULT.
            if (done > 0) {
                return done;
            }
            return Errno::EFAULT;
        }
        keel::console_write(part);
        done += n;
    }
    return done;
}

} // namespace

SysResult sys_write(process::Process& p, const Args& args) {
    if (!is_console(args.a[0])) {
        return Errno::EBADF;
    }
    u64 len = args.a[2] > MAX_RW ? MAX_RW : args.a[2];
    return write_user(p, args.a[1], len);
}

SysResult sys_writev(process::Process& p, const Args& args) {
    if (!is_console(args.a[0])) {
        return Errno::EBADF;
    }
    u64 iov = args.a[1];
    u64 count = args.a[2];
    if (count > IOV_MAX) {
        return Errno::EINVAL;
    }
    u64 total = 0;
    for (u64 i = 0; i < count; ++i) {
        u64 base = TRY_SYS(p.space.read_val<u64>(iov + 16 * i));
        u64 len = TRY_SYS(p.space.read_val<u64>(iov + 16 * i + 8));
        if (len > MAX_RW - total) {
            return Errno::EINVAL;
        }
        auto r = write_user(p, base, len);
        if (r.is_err()) {
            if (total > 0) {
                return total;
            }
            return r.error();
        }
        total += r.value();
    }
    return total;
}

SysResult sys_ioctl(process::Process&, const Args& args) {
    if (!is_console(args.a[0])) {
        return Errno::EBADF;
    }
    // The console has no terminal settings yet; programs fall back to
    // non-tty behaviour (e.g. full buffering of stdout).
    return Errno::ENOTTY;
}

} // namespace services::syscall
