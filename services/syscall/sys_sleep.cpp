// Sleeping and timers: nanosleep and clock_nanosleep (interrupted by
// signals, restarted through restart_syscall), alarm, setitimer and
// getitimer (ITIMER_REAL).
#include "../signal/signal.h"
#include "syscall.h"
#include <keel/time.h>

namespace services::syscall {

namespace {

using Pair = klib::Array<u64, 2>;
using Quad = klib::Array<u64, 4>;

constexpr u64 NS = 1000000000;
constexpr u64 ITIMER_REAL = 0;
constexpr u64 ITIMER_PROF = 2;

// A struct timespec from user memory, as nanoseconds (EFAULT, EINVAL).
klib::Result<u64, Errno> read_timespec(const process::Thread& t, u64 addr) {
    const klib::Array<u64, 2> ts = TRY_SYS(t.space->read_val<Pair>(addr));
    if (i64(ts[0]) < 0 || ts[1] >= NS) {
        return Errno::EINVAL;
    }
    const u64 max_sec = ~u64(0) / NS - 1;
    return (ts[0] > max_sec ? max_sec : ts[0]) * NS + ts[1];
}

// Sleeps until the monotonic `deadline` unless a signal interrupts;
// true when interrupted.
bool sleep_until(process::Thread& t, u64 deadline) {
    for (;;) {
        const u64 now = keel::monotonic_ns();
        if (now >= deadline) {
            return false;
        }
        if (t.proc->signals.shared
                .wait([&]() { return t.sig.interrupting(t.proc->signals.shared); }, deadline - now)) {
            return true;
        }
    }
}

// The relative sleep's end: interrupted, the remaining time goes to `rem`
// (if not 0) and restart_syscall resumes the sleep.
SysResult relative_sleep(process::Thread& t, u64 deadline, u64 rem) {
    if (!sleep_until(t, deadline)) {
        return u64(0);
    }
    if (rem != 0) {
        const u64 now = keel::monotonic_ns();
        const u64 left = deadline > now ? deadline - now : 0;
        const klib::Array<u64, 2> ts = {left / NS, left % NS};
        TRY_SYS(t.space->write_val(rem, ts));
    }
    t.sig.restart_deadline = deadline;
    t.sig.restart_rem = rem;
    return Errno::ERESTART_RESTARTBLOCK;
}

// What the ITIMER_REAL task does at expiry: SIGALRM to this process.
klib::Result<klib::Function<void()>> alarm_fire(const process::Thread& t) {
    klib::Arc<process::Process> p = t.proc.clone();
    return klib::Function<void()>::make([p = klib::move(p)]() {
        signal::send((*p).signals.shared, signal::SigInfo(signal::SIGALRM, signal::SI_KERNEL));
    });
}

// timeval (sec, usec) <-> ns.
klib::Array<u64, 2> timeval_of(u64 ns) {
    return {ns / NS, ns % NS / 1000};
}

} // namespace

SysResult sys_nanosleep(process::Thread& t, const Args& args) {
    const u64 ns = TRY(read_timespec(t, args.a[0]));
    return relative_sleep(t, keel::monotonic_ns() + ns, args.a[1]);
}

SysResult sys_clock_nanosleep(process::Thread& t, const Args& args) {
    constexpr u64 TIMER_ABSTIME = 1;
    const u64 clock = args.a[0];
    if (clock != 0 && clock != 1 && clock != 7 && clock != 11) { // REALTIME, MONOTONIC, BOOTTIME, TAI
        return Errno::EINVAL;
    }
    const u64 ns = TRY(read_timespec(t, args.a[2]));
    if ((args.a[1] & TIMER_ABSTIME) != 0) {
        // Every clock counts from boot here: the deadline is monotonic.
        if (sleep_until(t, ns)) {
            return Errno::ERESTARTNOHAND;
        }
        return u64(0);
    }
    return relative_sleep(t, keel::monotonic_ns() + ns, args.a[3]);
}

SysResult sys_restart_syscall(process::Thread& t, const Args&) {
    const u64 deadline = t.sig.restart_deadline;
    t.sig.restart_deadline = 0;
    if (deadline == 0) {
        return Errno::EINTR; // nothing to restart (Linux's do_no_restart_syscall)
    }
    return relative_sleep(t, deadline, t.sig.restart_rem);
}

SysResult sys_alarm(process::Thread& t, const Args& args) {
    const u64 secs = u64(u32(args.a[0]));
    signal::RealTimer::Value v;
    v.remaining_ns = secs * NS;
    const signal::RealTimer::Value old = TRY_SYS(t.proc->signals.itimer.set(v, TRY_SYS(alarm_fire(t))));
    // The old value in seconds, rounded to nearest; a pending alarm never
    // reads as 0.
    const u64 usec = old.remaining_ns % NS / 1000;
    u64 left = old.remaining_ns / NS;
    if ((left == 0 && usec != 0) || usec >= 500000) {
        ++left;
    }
    return left;
}

SysResult sys_getitimer(process::Thread& t, const Args& args) {
    if (args.a[0] > ITIMER_PROF) {
        return Errno::EINVAL;
    }
    if (args.a[0] != ITIMER_REAL) {
        return Errno::EINVAL; // ITIMER_VIRTUAL/PROF: CPU-time timers not supported
    }
    const signal::RealTimer::Value v = t.proc->signals.itimer.get();
    const klib::Array<u64, 2> iv = timeval_of(v.interval_ns);
    const klib::Array<u64, 2> rv = timeval_of(v.remaining_ns);
    const klib::Array<u64, 4> out = {iv[0], iv[1], rv[0], rv[1]};
    TRY_SYS(t.space->write_val(args.a[1], out));
    return u64(0);
}

SysResult sys_setitimer(process::Thread& t, const Args& args) {
    const u64 which = args.a[0];
    klib::Array<u64, 4> in{};
    if (args.a[1] != 0) {
        in = TRY_SYS(t.space->read_val<Quad>(args.a[1]));
    }
    if (which > ITIMER_PROF) {
        return Errno::EINVAL;
    }
    if (which != ITIMER_REAL) {
        return Errno::EINVAL; // ITIMER_VIRTUAL/PROF: CPU-time timers not supported
    }
    // struct itimerval {interval {sec, usec}, value {sec, usec}}
    if (i64(in[0]) < 0 || in[1] >= 1000000 || i64(in[2]) < 0 || in[3] >= 1000000) {
        return Errno::EINVAL;
    }
    const u64 max_sec = ~u64(0) / NS - 1;
    signal::RealTimer::Value v;
    v.interval_ns = (in[0] > max_sec ? max_sec : in[0]) * NS + in[1] * 1000;
    v.remaining_ns = (in[2] > max_sec ? max_sec : in[2]) * NS + in[3] * 1000;
    const signal::RealTimer::Value old = TRY_SYS(t.proc->signals.itimer.set(v, TRY_SYS(alarm_fire(t))));
    if (args.a[2] != 0) {
        const klib::Array<u64, 2> iv = timeval_of(old.interval_ns);
        const klib::Array<u64, 2> rv = timeval_of(old.remaining_ns);
        const klib::Array<u64, 4> out = {iv[0], iv[1], rv[0], rv[1]};
        TRY_SYS(t.space->write_val(args.a[2], out));
    }
    return u64(0);
}

} // namespace services::syscall
