// Waiting for files: poll, ppoll, select, pselect6, epoll_create(1),
// epoll_ctl, epoll_wait, epoll_pwait, eventfd, eventfd2. All wait through
// the VFS's one mechanism (fs/pollee.h): an Observer registered with every
// watched file, woken by the files' notifications or the timeout.
#include "../fs/event.h"
#include "../process/interrupt.h"
#include "syscall.h"
#include "user_mem.h"
#include <keel/log.h>
#include <keel/time.h>

namespace services::syscall {

namespace {

using U32Pair = klib::Array<u32, 2>;
using U64Pair = klib::Array<u64, 2>;
using EpollEvent = klib::Array<u32, 3>; // struct epoll_event is packed: 12 bytes

constexpr u64 NS_PER_MS = 1000000;
constexpr u32 POLLIN_SET = fs::POLLIN | fs::POLLRDNORM | fs::POLLHUP | fs::POLLERR | 0x80; // RDBAND
constexpr u32 POLLOUT_SET = fs::POLLOUT | fs::POLLWRNORM | fs::POLLERR | 0x200;             // WRBAND
constexpr u32 POLLEX_SET = fs::POLLPRI;

struct Watched {
    klib::Optional<klib::Arc<fs::File>> file; // none: negative fd or not open
    u32 events = 0;
    bool bad = false; // not open: POLLNVAL
};

// The ready events of each watched file now; returns how many are ready.
u64 scan(const klib::Vec<Watched>& w, klib::Vec<u32>& revents) {
    u64 ready = 0;
    for (usize i = 0; i < w.size(); ++i) {
        u32 r = 0;
        if (w[i].bad) {
            r = fs::POLLNVAL;
        } else if (w[i].file.has_value()) {
            r = w[i].file.value()->poll() & (w[i].events | fs::POLLERR | fs::POLLHUP);
        }
        revents[i] = r;
        ready += r != 0 ? 1 : 0;
    }
    return ready;
}

// Polls `w` until something is ready or `timeout_ns` passes (none: for
// ever); fills `revents` and returns the count of ready entries.
klib::Result<u64, Errno> wait_ready(const process::Thread& t, klib::Vec<Watched>& w,
                                    klib::Vec<u32>& revents, klib::Optional<u64> timeout_ns) {
    u64 ready = scan(w, revents);
    if (ready > 0 || (timeout_ns.has_value() && timeout_ns.value() == 0)) {
        return ready;
    }
    auto obs = klib::Arc<fs::Observer>::make(0u);
    if (obs.is_err()) {
        return Errno::ENOMEM;
    }
    for (const Watched& x : w) {
        if (x.file.has_value() && x.file.value()->observe(obs.value()).is_err()) {
            for (const Watched& y : w) {
                if (y.file.has_value()) {
                    y.file.value()->unobserve(obs.value());
                }
            }
            return Errno::ENOMEM;
        }
    }
    const u64 start = keel::monotonic_ns();
    bool interrupted = false;
    for (;;) {
        const u64 seen = obs.value()->events();
        ready = scan(w, revents);
        if (ready > 0) {
            break;
        }
        u64 left = 0; // no limit
        if (timeout_ns.has_value()) {
            const u64 spent = keel::monotonic_ns() - start;
            if (spent >= timeout_ns.value()) {
                break;
            }
            left = timeout_ns.value() - spent;
        }
        if (obs.value()->wait_interruptible(seen, left).is_err()) {
            interrupted = true;
            break;
        }
    }
    for (const Watched& x : w) {
        if (x.file.has_value()) {
            x.file.value()->unobserve(obs.value());
        }
    }
    if (interrupted) {
        // Linux's do_sys_poll and core_sys_select: EINTR when a handler
        // runs, restarted only when none does (a stop, an ignored signal).
        return Errno::ERESTARTNOHAND;
    }
    return ready;
}

SysResult do_poll(process::Thread& t, u64 fds, u64 nfds, klib::Optional<u64> timeout_ns) {
    if (nfds > t.files->limit()) {
        return Errno::EINVAL;
    }
    klib::Vec<Watched> w;
    klib::Vec<u32> revents;
    if (w.try_reserve(usize(nfds)).is_err() || revents.try_reserve(usize(nfds)).is_err()) {
        return Errno::ENOMEM;
    }
    for (u64 i = 0; i < nfds; ++i) {
        const U32Pair pfd = TRY_SYS(t.space->read_val<U32Pair>(fds + 8 * i));
        const i32 fd = i32(pfd[0]);
        Watched x;
        x.events = pfd[1] & 0xffff;
        if (fd >= 0) {
            auto f = t.files->get(u64(fd));
            if (f.is_err()) {
                x.bad = true;
            } else {
                x.file = f.release_value();
            }
        }
        (void)w.try_push(klib::move(x)); // reserved
        (void)revents.try_push(0);       // reserved
    }
    const u64 ready = TRY(wait_ready(t, w, revents, timeout_ns));
    for (u64 i = 0; i < nfds; ++i) {
        TRY_SYS(t.space->write_val(fds + 8 * i + 6, u16(revents[usize(i)])));
    }
    return ready;
}

// A struct timespec argument as nanoseconds (EINVAL when malformed).
klib::Result<klib::Optional<u64>, Errno> timespec_arg(const process::Thread& t, u64 addr) {
    if (addr == 0) {
        return klib::Optional<u64>();
    }
    const U64Pair ts = TRY_SYS(t.space->read_val<U64Pair>(addr));
    if (i64(ts[0]) < 0 || ts[1] >= 1000000000) {
        return Errno::EINVAL;
    }
    const u64 cap = u64(1) << 62;
    const u64 ns = ts[0] > cap / 1000000000 ? cap : ts[0] * 1000000000 + ts[1];
    return klib::Optional<u64>(ns);
}

// select/pselect6 over the three fd_sets (`timeout_ns` none: for ever);
// rewrites the sets.
SysResult do_select(process::Thread& t, u64 nfds_arg, u64 rd, u64 wr, u64 ex,
                    klib::Optional<u64> timeout_ns) {
    const i32 n = i32(u32(nfds_arg));
    if (n < 0) {
        return Errno::EINVAL;
    }
    u64 nfds = u64(n);
    if (nfds > t.files->limit()) {
        nfds = t.files->limit();
    }
    const u64 words = (nfds + 63) / 64;
    klib::Vec<Watched> w;
    klib::Vec<u32> revents;
    klib::Vec<u64> fdnum;
    for (u64 word = 0; word < words; ++word) {
        const u64 r = rd != 0 ? TRY_SYS(t.space->read_val<u64>(rd + 8 * word)) : 0;
        const u64 wb = wr != 0 ? TRY_SYS(t.space->read_val<u64>(wr + 8 * word)) : 0;
        const u64 e = ex != 0 ? TRY_SYS(t.space->read_val<u64>(ex + 8 * word)) : 0;
        for (u64 bit = 0; bit < 64 && word * 64 + bit < nfds; ++bit) {
            const u64 m = u64(1) << bit;
            if (((r | wb | e) & m) == 0) {
                continue;
            }
            const u64 fd = word * 64 + bit;
            Watched x;
            x.file = TRY(t.files->get(fd)); // EBADF
            x.events = ((r & m) != 0 ? POLLIN_SET : 0) | ((wb & m) != 0 ? POLLOUT_SET : 0) |
                       ((e & m) != 0 ? POLLEX_SET : 0);
            if (w.try_push(klib::move(x)).is_err() || revents.try_push(0).is_err() ||
                fdnum.try_push(fd).is_err()) {
                return Errno::ENOMEM;
            }
        }
    }
    TRY(wait_ready(t, w, revents, timeout_ns));
    u64 count = 0;
    for (u64 word = 0; word < words; ++word) {
        u64 r = 0;
        u64 wb = 0;
        u64 e = 0;
        for (usize i = 0; i < w.size(); ++i) {
            if (fdnum[i] / 64 != word) {
                continue;
            }
            const u64 m = u64(1) << (fdnum[i] % 64);
            const u32 got = revents[i];
            if ((w[i].events & fs::POLLIN) != 0 && (got & POLLIN_SET) != 0) {
                r |= m;
                ++count;
            }
            if ((w[i].events & fs::POLLOUT) != 0 && (got & POLLOUT_SET) != 0) {
                wb |= m;
                ++count;
            }
            if ((w[i].events & POLLEX_SET) != 0 && (got & POLLEX_SET) != 0) {
                e |= m;
                ++count;
            }
        }
        if (rd != 0) {
            TRY_SYS(t.space->write_val(rd + 8 * word, r));
        }
        if (wr != 0) {
            TRY_SYS(t.space->write_val(wr + 8 * word, wb));
        }
        if (ex != 0) {
            TRY_SYS(t.space->write_val(ex + 8 * word, e));
        }
    }
    return count;
}

klib::Result<klib::Arc<fs::EpollFile>, Errno> epoll_of(const process::Thread& t, u64 fd) {
    klib::Arc<fs::File> f = TRY(t.files->get(fd));
    auto e = klib::downcast<fs::EpollFile>(f);
    if (!e.has_value()) {
        return Errno::EINVAL;
    }
    return klib::move(e.value());
}

SysResult do_epoll_wait(process::Thread& t, u64 epfd, u64 events, u64 max_arg, u64 timeout_arg) {
    const i32 max = i32(u32(max_arg));
    if (max <= 0 || u64(max) > 0x7fffffff / 12) {
        return Errno::EINVAL;
    }
    // Linux checks the buffer is writable first (EFAULT), then the fds.
    TRY_SYS(t.space->write_val(events, EpollEvent{}));
    klib::Arc<fs::EpollFile> ep = TRY(epoll_of(t, epfd));
    const i32 timeout_ms = i32(u32(timeout_arg));
    klib::Optional<u64> timeout;
    if (timeout_ms >= 0) {
        timeout = u64(timeout_ms) * NS_PER_MS;
    }
    u64 n = 0;
    const usize got = TRY(ep->wait(usize(max), timeout, [&](u32 ev, u64 data) -> klib::Result<void, Errno> {
        const EpollEvent e = {ev, u32(data), u32(data >> 32)};
        if (t.space->write_val(events + 12 * n, e).is_err()) {
            return Errno::EFAULT;
        }
        ++n;
        return {};
    }));
    return u64(got);
}

SysResult do_eventfd(process::Thread& t, u64 initval, u64 flags) {
    if ((flags & ~u64(fs::EFD_SEMAPHORE | fs::O_CLOEXEC | fs::O_NONBLOCK)) != 0) {
        return Errno::EINVAL;
    }
    auto f = klib::Arc<fs::EventFile>::make(u64(u32(initval)), u32(fs::O_RDWR | (flags & fs::O_NONBLOCK)),
                                            (flags & fs::EFD_SEMAPHORE) != 0);
    if (f.is_err()) {
        return Errno::ENOMEM;
    }
    return t.files->install(klib::Arc<fs::File>(f.release_value()), (flags & fs::O_CLOEXEC) != 0);
}

SysResult do_epoll_create(process::Thread& t, bool cloexec) {
    auto f = klib::Arc<fs::EpollFile>::make(u32(fs::O_RDWR));
    if (f.is_err()) {
        return Errno::ENOMEM;
    }
    return t.files->install(klib::Arc<fs::File>(f.release_value()), cloexec);
}

// ppoll, pselect6 and epoll_pwait wait with the signal mask at `uptr` (0:
// the thread's own), Linux's set_user_sigmask. end_wait_mask undoes it,
// except when a signal interrupted the wait (`res` is `interrupted`):
// delivery then restores the old mask once the handler's frame holds it
// (restore_saved_sigmask_unless), so a signal the temporary mask let in
// is handled before the old mask blocks it again.
klib::Result<void, Errno> set_wait_mask(process::Thread& t, u64 uptr) {
    if (uptr == 0) {
        return {};
    }
    const u64 mask = TRY_SYS(t.space->read_val<u64>(uptr));
    t.sig.saved_mask = t.sig.mask;
    t.sig.mask = mask & ~signal::UNBLOCKABLE;
    process::publish_signals(t);
    return {};
}

SysResult end_wait_mask(process::Thread& t, SysResult res, Errno interrupted) {
    if (t.sig.saved_mask.has_value() && !(res.is_err() && res.error() == interrupted)) {
        t.sig.mask = t.sig.saved_mask.value();
        t.sig.saved_mask = klib::none;
    }
    return res;
}

} // namespace

SysResult sys_poll(process::Thread& t, const Args& args) {
    const i32 timeout_ms = i32(u32(args.a[2]));
    klib::Optional<u64> timeout;
    if (timeout_ms >= 0) {
        timeout = u64(timeout_ms) * NS_PER_MS;
    }
    return do_poll(t, args.a[0], args.a[1], timeout);
}

SysResult sys_ppoll(process::Thread& t, const Args& args) {
    const klib::Optional<u64> timeout = TRY(timespec_arg(t, args.a[2]));
    if (args.a[3] != 0 && args.a[4] != 8) {
        return Errno::EINVAL; // sigsetsize
    }
    TRY(set_wait_mask(t, args.a[3]));
    return end_wait_mask(t, do_poll(t, args.a[0], args.a[1], timeout), Errno::ERESTARTNOHAND);
}

SysResult sys_select(process::Thread& t, const Args& args) {
    klib::Optional<u64> timeout;
    const u64 tv = args.a[4];
    if (tv != 0) {
        const U64Pair val = TRY_SYS(t.space->read_val<U64Pair>(tv));
        if (i64(val[0]) < 0 || val[1] >= 1000000) {
            return Errno::EINVAL;
        }
        const u64 cap = u64(1) << 62;
        timeout = val[0] > cap / 1000000000 ? cap : val[0] * 1000000000 + val[1] * 1000;
    }
    const u64 start = keel::monotonic_ns();
    const u64 n = TRY(do_select(t, args.a[0], args.a[1], args.a[2], args.a[3], timeout));
    if (tv != 0) {
        // Linux writes back the time left.
        const u64 spent = keel::monotonic_ns() - start;
        const u64 left = spent >= timeout.value() ? 0 : timeout.value() - spent;
        TRY_SYS(t.space->write_val(tv, U64Pair{left / 1000000000, (left % 1000000000) / 1000}));
    }
    return n;
}

SysResult sys_pselect6(process::Thread& t, const Args& args) {
    const klib::Optional<u64> timeout = TRY(timespec_arg(t, args.a[4]));
    if (args.a[5] != 0) {
        const U64Pair sig = TRY_SYS(t.space->read_val<U64Pair>(args.a[5]));
        if (sig[0] != 0 && sig[1] != 8) {
            return Errno::EINVAL;
        }
        TRY(set_wait_mask(t, sig[0]));
    }
    const u64 start = keel::monotonic_ns();
    const u64 n = TRY(end_wait_mask(t, do_select(t, args.a[0], args.a[1], args.a[2], args.a[3], timeout),
                                    Errno::ERESTARTNOHAND));
    if (args.a[4] != 0) {
        const u64 spent = keel::monotonic_ns() - start;
        const u64 left = spent >= timeout.value() ? 0 : timeout.value() - spent;
        TRY_SYS(t.space->write_val(args.a[4], U64Pair{left / 1000000000, left % 1000000000}));
    }
    return n;
}

SysResult sys_epoll_create(process::Thread& t, const Args& args) {
    if (i32(u32(args.a[0])) <= 0) {
        return Errno::EINVAL;
    }
    return do_epoll_create(t, false);
}

SysResult sys_epoll_create1(process::Thread& t, const Args& args) {
    if ((args.a[0] & ~u64(fs::O_CLOEXEC)) != 0) {
        return Errno::EINVAL;
    }
    return do_epoll_create(t, args.a[0] != 0);
}

SysResult sys_epoll_ctl(process::Thread& t, const Args& args) {
    constexpr u64 ADD = 1;
    constexpr u64 DEL = 2;
    constexpr u64 MOD = 3;
    const u64 epfd = args.a[0];
    const u64 op = args.a[1];
    const u64 fd = args.a[2];
    u32 events = 0;
    u64 data = 0;
    if (op != DEL) {
        const EpollEvent e = TRY_SYS(t.space->read_val<EpollEvent>(args.a[3]));
        events = e[0];
        data = u64(e[1]) | (u64(e[2]) << 32);
    }
    klib::Arc<fs::File> ef = TRY(t.files->get(epfd));
    klib::Arc<fs::File> target = TRY(t.files->get(fd));
    if (!target->supports_epoll()) {
        return Errno::EPERM;
    }
    auto ep = klib::downcast<fs::EpollFile>(ef);
    if (!ep.has_value() || u32(fd) == u32(epfd)) {
        return Errno::EINVAL;
    }
    switch (op) {
    case ADD:
        TRY(ep.value()->add(fd, klib::move(target), events, data));
        return u64(0);
    case MOD:
        TRY(ep.value()->modify(fd, *target, events, data));
        return u64(0);
    case DEL:
        TRY(ep.value()->remove(fd, *target));
        return u64(0);
    default:
        return Errno::EINVAL;
    }
}

SysResult sys_epoll_wait(process::Thread& t, const Args& args) {
    return do_epoll_wait(t, args.a[0], args.a[1], args.a[2], args.a[3]);
}

SysResult sys_epoll_pwait(process::Thread& t, const Args& args) {
    if (args.a[4] != 0 && args.a[5] != 8) {
        return Errno::EINVAL;
    }
    TRY(set_wait_mask(t, args.a[4]));
    return end_wait_mask(t, do_epoll_wait(t, args.a[0], args.a[1], args.a[2], args.a[3]), Errno::EINTR);
}

SysResult sys_eventfd(process::Thread& t, const Args& args) {
    return do_eventfd(t, args.a[0], 0);
}

SysResult sys_eventfd2(process::Thread& t, const Args& args) {
    return do_eventfd(t, args.a[0], args.a[1]);
}

} // namespace services::syscall
