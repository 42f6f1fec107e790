// wait4 and waitid: reaping children (process::wait_child) and the
// encodings of their status.
#include "../process/table.h"
#include "syscall.h"
#include "user_mem.h"

namespace services::syscall {

namespace {

constexpr u64 WNOHANG = 1;
constexpr u64 WUNTRACED = 2;
constexpr u64 WCONTINUED = 8;
constexpr u64 WNOTHREAD = 0x20000000;
constexpr u64 WALL = 0x40000000;
constexpr u64 WCLONE = 0x80000000;
constexpr i32 INT_MIN = -2147483647 - 1;

// Waits for a child matching `which` (wait4's pid convention); the pid
// and status, 0 with WNOHANG when none is ready, ECHILD when none can be.
klib::Result<process::WaitResult, Errno> wait_for(process::Thread& t, i32 which, bool nohang,
                                                  bool reap) {
    const process::Process& me = *t.proc;
    for (;;) {
        const process::WaitResult r = process::wait_child(me.pid, which, reap);
        if (r.outcome == process::WaitOutcome::Found) {
            return r;
        }
        if (r.outcome == process::WaitOutcome::NoChild) {
            return Errno::ECHILD;
        }
        if (nohang) {
            return r;
        }
        me.child_wait.wait_until([&] {
            return process::wait_child(me.pid, which, false).outcome !=
                       process::WaitOutcome::NotYet ||
                   me.exiting();
        });
        if (me.exiting()) {
            return Errno::EINTR;
        }
    }
}

// struct rusage: the times and counters of a reaped child (none are
// accounted per process yet: zeros, as for a child that used no time).
klib::Result<void, Errno> copy_rusage(const process::Thread& t, u64 addr) {
    OutBuffer b;
    if (b.zeros(144).is_err()) {
        return Errno::ENOMEM;
    }
    return b.copy_out(t, addr);
}

} // namespace

// wait4(pid, status, options, rusage).
SysResult sys_wait4(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 options = args.a[2];
    if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
        return Errno::EINVAL;
    }
    if (pid == INT_MIN) {
        return Errno::ESRCH;
    }
    const process::WaitResult r = TRY(wait_for(t, pid, (options & WNOHANG) != 0, true));
    if (r.outcome != process::WaitOutcome::Found) {
        return u64(0);
    }
    if (args.a[1] != 0) {
        TRY_SYS(t.space->write_val<i32>(args.a[1], r.status));
    }
    if (args.a[3] != 0) {
        TRY(copy_rusage(t, args.a[3]));
    }
    return u64(r.pid);
}

} // namespace services::syscall
