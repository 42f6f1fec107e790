// read, write, readv, writev, pread64, ioctl: data through file descriptors
// (the console, /dev/null and /dev/zero, read-only RamFs files).
#include "syscall.h"
#include "user_mem.h"
#include <keel/console.h>
#include <keel/log.h>
#include <keel/task.h>
#include <klib/array.h>

namespace services::syscall {

namespace {

constexpr u64 IOV_MAX = 1024;
constexpr u64 MAX_RW = 0x7ffff000; // Linux caps one read/write at this
constexpr u64 TCGETS = 0x5401;
constexpr u64 TIOCGWINSZ = 0x5413;

// Copies [buf, buf + len) from user memory to the console in chunks.
SysResult console_write(const process::Process& p, u64 buf, u64 len) {
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

// A page of zeros in read-only data: /dev/zero copies it a page at a time.
constexpr klib::Array<u8, 4096> ZERO_PAGE{};

// Fills user memory with zeros (reads of /dev/zero).
SysResult zero_fill(const process::Process& p, u64 buf, u64 len) {
    const klib::Array<u8, 4096>& zeros = ZERO_PAGE;
    u64 done = 0;
    while (done < len) {
        u64 n = len - done < zeros.size() ? len - done : zeros.size();
        if (p.space.write_bytes(buf + done, zeros.span().first(n)).is_err()) {
            if (done > 0) {
                return done;
            }
            return Errno::EFAULT;
        }
        done += n;
    }
    return done;
}

// Copies file bytes from `offset` to user memory; returns the count.
SysResult file_read(const process::Process& p, fs::Ino ino, u64 offset, u64 buf, u64 len) {
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    // Half a page per round trip through the bounce buffer (2x fewer
    // user-copy calls than 1 KiB; a whole page would break the 4 KiB stack
    // frame limit).
    klib::Array<u8, 2048> chunk{};
    u64 done = 0;
    while (done < len) {
        u64 want = len - done < chunk.size() ? len - done : chunk.size();
        const usize got = root->read(ino, offset + done, chunk.span().first(usize(want)));
        if (got == 0) {
            break;
        }
        if (p.space.write_bytes(buf + done, chunk.span().first(got)).is_err()) {
            if (done > 0) {
                return done;
            }
            return Errno::EFAULT;
        }
        done += got;
    }
    return done;
}

// read(2) on an open file at `offset` (none: the file's own offset).
SysResult do_read(process::Process& p, const fs::OpenFile& f, u64 buf, u64 len,
                  klib::Optional<u64> at) {
    if (!f.readable()) {
        return Errno::EBADF;
    }
    len = len > MAX_RW ? MAX_RW : len;
    switch (f.kind()) {
    case fs::FileKind::Console:
        if (at.has_value()) {
            return Errno::ESPIPE;
        }
        return u64(0); // no console input yet: end of file
    case fs::FileKind::Null:
        return u64(0);
    case fs::FileKind::Zero:
        return zero_fill(p, buf, len);
    case fs::FileKind::Inode:
        break;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    if (root->is_dir(f.ino())) {
        return Errno::EISDIR;
    }
    const u64 off = at.has_value() ? at.value() : f.offset();
    const u64 n = TRY(file_read(p, f.ino(), off, buf, len));
    if (!at.has_value()) {
        f.set_offset(off + n);
    }
    return n;
}

SysResult do_write(process::Process& p, const fs::OpenFile& f, u64 buf, u64 len) {
    if (!f.writable()) {
        return Errno::EBADF;
    }
    len = len > MAX_RW ? MAX_RW : len;
    switch (f.kind()) {
    case fs::FileKind::Console:
        return console_write(p, buf, len);
    case fs::FileKind::Null:
    case fs::FileKind::Zero:
        return len;
    case fs::FileKind::Inode:
        break;
    }
    return Errno::EBADF; // RamFs files are never opened for writing
}

// readv/writev: one do_read/do_write per iovec, stopping at a short one.
SysResult vector_io(process::Process& p, const Args& args, bool write) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    const u64 iov = args.a[1];
    const u64 count = args.a[2];
    if (count > IOV_MAX) {
        return Errno::EINVAL;
    }
    if (write ? !f->writable() : !f->readable()) {
        return Errno::EBADF;
    }
    u64 total = 0;
    for (u64 i = 0; i < count; ++i) {
        u64 base = TRY_SYS(p.space.read_val<u64>(iov + 16 * i));
        u64 len = TRY_SYS(p.space.read_val<u64>(iov + 16 * i + 8));
        if (len > MAX_RW - total) {
            return Errno::EINVAL;
        }
        auto r = write ? do_write(p, *f, base, len) : do_read(p, *f, base, len, klib::none);
        if (r.is_err()) {
            if (total > 0) {
                return total;
            }
            return r.error();
        }
        total += r.value();
        if (r.value() < len) {
            break;
        }
    }
    return total;
}

} // namespace

SysResult sys_read(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    return do_read(p, *f, args.a[1], args.a[2], klib::none);
}

SysResult sys_pread64(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    if (i64(args.a[3]) < 0) {
        return Errno::EINVAL;
    }
    return do_read(p, *f, args.a[1], args.a[2], args.a[3]);
}

SysResult sys_write(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    return do_write(p, *f, args.a[1], args.a[2]);
}

SysResult sys_readv(process::Process& p, const Args& args) {
    return vector_io(p, args, false);
}

SysResult sys_writev(process::Process& p, const Args& args) {
    return vector_io(p, args, true);
}

SysResult sys_sendfile(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> out = TRY(p.files.get(args.a[0]));
    klib::Arc<fs::OpenFile> in = TRY(p.files.get(args.a[1]));
    const u64 offset_addr = args.a[2];
    const u64 count = args.a[3] > MAX_RW ? MAX_RW : args.a[3];
    if (!in->readable() || !out->writable()) {
        return Errno::EBADF;
    }
    if (in->kind() != fs::FileKind::Inode) {
        return Errno::EINVAL;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    if (root->is_dir(in->ino())) {
        return Errno::EINVAL;
    }
    if (out->kind() == fs::FileKind::Inode) {
        return Errno::EBADF; // RamFs files are never opened for writing
    }
    u64 off = in->offset();
    if (offset_addr != 0) {
        off = TRY_SYS(p.space.read_val<u64>(offset_addr));
        if (i64(off) < 0) {
            return Errno::EINVAL;
        }
    }
    klib::Array<u8, 1024> chunk{};
    u64 done = 0;
    while (done < count) {
        const u64 want = count - done < chunk.size() ? count - done : chunk.size();
        const usize got = root->read(in->ino(), off + done, chunk.span().first(usize(want)));
        if (got == 0) {
            break;
        }
        if (out->kind() == fs::FileKind::Console) {
            keel::console_write(chunk.span().first(got));
        }
        done += got;
    }
    if (offset_addr != 0) {
        const klib::Array<u64, 1> v = {off + done};
        klib::Array<u8, 8> bytes{};
        for (usize i = 0; i < 8; ++i) {
            bytes[i] = u8(v[0] >> (8 * i));
        }
        TRY_SYS(p.space.write_bytes(offset_addr, bytes.span()));
    } else {
        in->set_offset(off + done);
    }
    return done;
}

SysResult sys_poll(process::Process& p, const Args& args) {
    constexpr u16 POLLIN = 0x001;
    constexpr u16 POLLOUT = 0x004;
    constexpr u16 POLLNVAL = 0x020;
    constexpr u16 POLLRDNORM = 0x040;
    constexpr u16 POLLWRNORM = 0x100;
    const u64 fds = args.a[0];
    const u64 nfds = args.a[1];
    const i64 timeout_ms = i64(i32(u32(args.a[2])));
    if (nfds > fs::FdTable::MAX_FDS) {
        return Errno::EINVAL;
    }
    u64 ready = 0;
    for (u64 i = 0; i < nfds; ++i) {
        const u64 at = fds + 8 * i;
        const i32 fd = i32(TRY_SYS(p.space.read_val<u32>(at)));
        const u16 events = TRY_SYS(p.space.read_val<u16>(at + 4));
        u16 revents = 0;
        if (fd >= 0) {
            auto f = p.files.get(u64(fd));
            if (f.is_err()) {
                revents = POLLNVAL;
            } else if (f.value()->kind() == fs::FileKind::Console) {
                // Output is always possible; there is no console input yet.
                revents = events & (POLLOUT | POLLWRNORM);
            } else {
                revents = events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
            }
        }
        klib::Array<u8, 2> bytes = {u8(revents), u8(revents >> 8)};
        TRY_SYS(p.space.write_bytes(at + 6, bytes.span()));
        if (revents != 0) {
            ++ready;
        }
    }
    if (ready > 0 || timeout_ms == 0) {
        return ready;
    }
    if (timeout_ms < 0) {
        // Nothing can become ready (no console input): wait for ever, as
        // Linux would with no input arriving.
        keel::log_warn("poll: pid {} waits for ever (no console input yet)", p.pid);
        for (;;) {
            keel::sleep_ns(1000000000ull);
        }
    }
    keel::sleep_ns(u64(timeout_ms) * 1000000ull);
    return u64(0);
}

SysResult sys_ioctl(process::Process& p, const Args& args) {
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(args.a[0]));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    switch (args.a[1]) {
    case TCGETS:
    case TIOCGWINSZ:
    default:
        // The console has no terminal settings yet; programs fall back to
        // non-tty behaviour (e.g. full buffering of stdout). Files and
        // the memory devices are not terminals either.
        return Errno::ENOTTY;
    }
}

} // namespace services::syscall
