// read, write, readv, writev, pread64, pwrite64, preadv, pwritev,
// sendfile, ioctl: data through file descriptors. Every kind of
// file (tmpfs files, devices, the console) is an fs::File; data moves
// between the file and user memory in page-sized pieces, without heap
// allocation.
#include "../fs/perm.h"
#include "syscall.h"
#include "sys_tty.h"
#include "transfer.h"
#include "user_mem.h"
#include <keel/log.h>
#include <keel/task.h>
#include <klib/array.h>
#include <klib/downcast.h>

namespace services::syscall {

namespace {

using U64Pair = klib::Array<u64, 2>;

constexpr u64 IOV_MAX = 1024;
constexpr u64 MAX_RW = 0x7ffff000; // Linux caps one read/write at this
constexpr u64 FIONREAD = 0x541b;
constexpr u64 FIONBIO = 0x5421;
constexpr u64 FIOCLEX = 0x5451;
constexpr u64 FIONCLEX = 0x5450;

// `n` zeros at user address `at`; returns how many were stored: after a
// fault, every page up to the first one that cannot be written (what
// Linux's clear_user leaves behind).
u64 store_zeros(const mm::AddressSpace& space, u64 at, u64 n) {
    if (space.zero_bytes(at, usize(n)).is_ok()) {
        return n;
    }
    u64 got = 0;
    while (got < n) {
        const u64 piece = klib::min(n - got, mm::PAGE - ((at + got) & (mm::PAGE - 1)));
        if (space.zero_bytes(at + got, usize(piece)).is_err()) {
            break;
        }
        got += piece;
    }
    return got;
}

// read(2) on an open file at `at` (none: the file's own offset).
SysResult do_read(process::Thread& t, const fs::File& f, u64 buf, u64 len,
                  klib::Optional<u64> at) {
    if (!f.readable()) {
        return Errno::EBADF;
    }
    if (at.has_value() && !f.seekable()) {
        return Errno::ESPIPE;
    }
    TRY(tty_check_read(t, f));
    len = len > MAX_RW ? MAX_RW : len;
    const u64 off = at.has_value() ? at.value() : f.offset();
    u64 done = 0;
    const usize n = TRY(f.read_zeroing(
        off, len,
        [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
            if (t.space->write_bytes(buf + done, part).is_err()) {
                return Errno::EFAULT;
            }
            done += part.size();
            return {};
        },
        [&](u64 at, u64 zeros) -> u64 { return store_zeros(*t.space, buf + at, zeros); }));
    if (!at.has_value() && f.seekable()) {
        f.set_offset(off + n);
    }
    return u64(n);
}

// RLIMIT_FSIZE on a regular file (generic_write_check_limits): a write
// starting at or past the limit raises SIGXFSZ and fails with EFBIG; one
// that would cross it is cut at the limit.
klib::Result<void, Errno> fsize_limit(process::Thread& t, const fs::File& f, u64 off, u64& len) {
    const u64 limit = t.proc->state.with([](process::ProcState& s) { return s.res.limits.cur(process::RLIMIT_FSIZE); });
    if (limit == process::RLIM_INFINITY) {
        return {};
    }
    auto inode = f.inode();
    if (!inode.has_value() || inode.value()->stat().type() != fs::S_IFREG) {
        return {};
    }
    if (off >= limit) {
        u32 uid = 0;
        if (auto ctx = t.vfs->get(); ctx.is_ok()) {
            uid = ctx.value().cred.uid;
        }
        signal::send_thread(t.sig, t.proc->signals.shared,
                            signal::SigInfo::user(signal::SIGXFSZ, signal::SI_USER, t.pid(), uid));
        return Errno::EFBIG;
    }
    len = klib::min(len, limit - off);
    return {};
}

SysResult do_write(process::Thread& t, const fs::File& f, u64 buf, u64 len,
                   klib::Optional<u64> at) {
    if (!f.writable()) {
        return Errno::EBADF;
    }
    if (at.has_value() && !f.seekable()) {
        return Errno::ESPIPE;
    }
    TRY(tty_check_write(t, f));
    len = len > MAX_RW ? MAX_RW : len;
    u64 off = at.has_value() ? at.value() : f.offset();
    if ((f.flags() & fs::O_APPEND) != 0 && f.seekable()) {
        auto st = f.stat();
        if (st.is_ok() && st.value().type() == fs::S_IFREG) {
            off = st.value().size; // Linux appends even for pwrite
        }
    }
    if (len > 0 && f.seekable()) {
        TRY(fsize_limit(t, f, off, len));
    }
    if (len > 0 && f.seekable()) {
        // file_remove_privs: a write by someone without CAP_FSETID drops
        // set-user-ID (and executable set-group-ID).
        auto inode = f.inode();
        if (inode.has_value() && (inode.value()->stat().mode & (fs::S_ISUID | fs::S_ISGID)) != 0) {
            auto ctx = t.vfs->get();
            if (ctx.is_ok()) {
                TRY(fs::remove_privs(*inode.value(), ctx.value().cred));
            }
        }
    }
    u64 done = 0;
    const usize n = TRY(f.write(off, len, [&](klib::Span<u8> part) -> klib::Result<void, Errno> {
        if (t.space->read_bytes(buf + done, part).is_err()) {
            return Errno::EFAULT;
        }
        done += part.size();
        return {};
    }));
    if (!at.has_value() && f.seekable()) {
        f.set_offset(off + n);
    }
    return u64(n);
}

// readv/writev/preadv/pwritev: one do_read/do_write per iovec, stopping
// at a short one.
SysResult vector_io(process::Thread& t, u64 fd, u64 iov, u64 count, bool write,
                    klib::Optional<u64> at) {
    klib::Arc<fs::File> f = TRY(t.files->get(fd));
    if (count > IOV_MAX) {
        return Errno::EINVAL;
    }
    if (write ? !f->writable() : !f->readable()) {
        return Errno::EBADF;
    }
    if (at.has_value() && !f->seekable()) {
        return Errno::ESPIPE;
    }
    // Linux validates the whole vector first (EINVAL for a total over
    // ssize_t, EFAULT for an unreadable vector).
    u64 sum = 0;
    for (u64 i = 0; i < count; ++i) {
        const klib::Array<u64, 2> v = TRY_SYS(t.space->read_val<U64Pair>(iov + 16 * i));
        if (i64(v[1]) < 0 || v[1] > u64(klib::max_value<i64>) - sum) {
            return Errno::EINVAL;
        }
        sum += v[1];
    }
    u64 total = 0;
    for (u64 i = 0; i < count; ++i) {
        const klib::Array<u64, 2> v = TRY_SYS(t.space->read_val<U64Pair>(iov + 16 * i));
        if (v[1] == 0) {
            continue;
        }
        const u64 len = v[1] > MAX_RW - total ? MAX_RW - total : v[1];
        klib::Optional<u64> pos = klib::none;
        if (at.has_value()) {
            pos = at.value() + total;
        }
        auto r = write ? do_write(t, *f, v[0], len, pos) : do_read(t, *f, v[0], len, pos);
        if (r.is_err()) {
            if (total > 0) {
                return total;
            }
            return r.error();
        }
        total += r.value();
        if (r.value() < len || total >= MAX_RW) {
            break;
        }
    }
    return total;
}

klib::Result<u64, Errno> offset_arg(u64 v) {
    if (i64(v) < 0) {
        return Errno::EINVAL;
    }
    return v;
}

} // namespace

SysResult sys_read(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    return do_read(t, *f, args.a[1], args.a[2], klib::none);
}

SysResult sys_pread64(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    const u64 off = TRY(offset_arg(args.a[3]));
    return do_read(t, *f, args.a[1], args.a[2], off);
}

SysResult sys_write(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    return do_write(t, *f, args.a[1], args.a[2], klib::none);
}

SysResult sys_pwrite64(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> f = TRY(t.files->get(args.a[0]));
    const u64 off = TRY(offset_arg(args.a[3]));
    return do_write(t, *f, args.a[1], args.a[2], off);
}

SysResult sys_readv(process::Thread& t, const Args& args) {
    return vector_io(t, args.a[0], args.a[1], args.a[2], false, klib::none);
}

SysResult sys_writev(process::Thread& t, const Args& args) {
    return vector_io(t, args.a[0], args.a[1], args.a[2], true, klib::none);
}

SysResult sys_preadv(process::Thread& t, const Args& args) {
    const u64 off = TRY(offset_arg(args.a[3]));
    return vector_io(t, args.a[0], args.a[1], args.a[2], false, off);
}

SysResult sys_pwritev(process::Thread& t, const Args& args) {
    const u64 off = TRY(offset_arg(args.a[3]));
    return vector_io(t, args.a[0], args.a[1], args.a[2], true, off);
}

SysResult sys_sendfile(process::Thread& t, const Args& args) {
    klib::Arc<fs::File> out = TRY(t.files->get(args.a[0]));
    klib::Arc<fs::File> in = TRY(t.files->get(args.a[1]));
    const u64 offset_addr = args.a[2];
    const u64 count = args.a[3] > MAX_RW ? MAX_RW : args.a[3];
    if (!in->readable() || !out->writable()) {
        return Errno::EBADF;
    }
    if ((out->flags() & fs::O_APPEND) != 0) {
        return Errno::EINVAL;
    }
    const fs::Stat ist = TRY(in->stat());
    if (ist.type() != fs::S_IFREG && ist.type() != fs::S_IFCHR) {
        return Errno::EINVAL;
    }
    u64 off = in->offset();
    if (offset_addr != 0) {
        off = TRY_SYS(t.space->read_val<u64>(offset_addr));
        if (i64(off) < 0) {
            return Errno::EINVAL;
        }
    }
    // Through a kernel buffer: the input file's pages go to the output
    // file's write path one chunk at a time.
    const u64 done = TRY(transfer(*in, off, *out, klib::none, count));
    if (offset_addr != 0) {
        TRY_SYS(t.space->write_val(offset_addr, u64(off + done)));
    } else {
        in->set_offset(off + done);
    }
    return done;
}

SysResult sys_ioctl(process::Thread& t, const Args& args) {
    const u64 fd = args.a[0];
    klib::Arc<fs::File> f = TRY(t.files->get(fd));
    if (f->is_path_only()) {
        return Errno::EBADF;
    }
    const u64 cmd = u32(args.a[1]);
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        TRY(t.files->set_cloexec(fd, cmd == FIOCLEX));
        return u64(0);
    case FIONBIO: {
        const u32 on = TRY_SYS(t.space->read_val<u32>(args.a[2]));
        const u32 flags = f->flags();
        f->set_status_flags(on != 0 ? flags | fs::O_NONBLOCK : flags & ~fs::O_NONBLOCK);
        return u64(0);
    }
    default:
        break;
    }
    // Terminals answer their own ioctls (FIONREAD is TIOCINQ there).
    if (auto tf = klib::downcast<tty::TtyFile>(f); tf.has_value()) {
        return tty_ioctl(t, *tf.value(), cmd, args.a[2]);
    }
    switch (cmd) {
    case FIONREAD: {
        if (auto n = f->readable_bytes(); n.has_value()) {
            TRY_SYS(t.space->write_val(args.a[2], i32(klib::min(n.value(), u64(0x7fffffff)))));
            return u64(0);
        }
        const fs::Stat st = TRY(f->stat());
        if (st.type() == fs::S_IFDIR) {
            return Errno::EINVAL;
        }
        if (st.type() != fs::S_IFREG) {
            return Errno::ENOTTY;
        }
        const u64 off = f->offset();
        const i32 avail = i32(st.size > off ? klib::min(st.size - off, u64(0x7fffffff)) : 0);
        TRY_SYS(t.space->write_val(args.a[2], avail));
        return u64(0);
    }
    default:
        return Errno::ENOTTY; // not a terminal
    }
}

} // namespace services::syscall
