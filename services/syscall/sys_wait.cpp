// wait4 and waitid: reaping children (process::wait_child), their stops
// and continues (WUNTRACED/WSTOPPED, WCONTINUED), and the encodings of
// their status.
#include "../process/table.h"
#include "rusage.h"
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
constexpr u64 WEXITED = 4;
constexpr u64 WSTOPPED = 2;
constexpr u64 WNOWAIT = 0x01000000;
constexpr i32 INT_MIN = -2147483647 - 1;

process::WaitFilter filter_of(u64 options, bool exited) {
    process::WaitFilter f;
    f.exited = exited;
    f.stopped = (options & WSTOPPED) != 0; // WUNTRACED is the same bit
    f.continued = (options & WCONTINUED) != 0;
    f.all = (options & WALL) != 0;
    f.clone_only = (options & WCLONE) != 0;
    return f;
}

// Waits for a child matching `which` (wait4's pid convention); the pid
// and status, 0 with WNOHANG when none is ready, ECHILD when none can be.
klib::Result<process::WaitResult, Errno> wait_for(process::Thread& t, process::WaitTarget which,
                                                  bool nohang,
                                                  bool reap, process::WaitFilter f) {
    const process::Process& me = *t.proc;
    for (;;) {
        const process::WaitResult r = process::wait_child(me.pid, which, reap, f);
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
            return process::wait_child(me.pid, which, false, f).outcome !=
                       process::WaitOutcome::NotYet ||
                   me.exiting();
        });
        if (me.exiting()) {
            return Errno::EINTR;
        }
    }
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
    const process::WaitResult r =
        TRY(wait_for(t, process::WaitTarget::from_wait4(pid), (options & WNOHANG) != 0, true,
                     filter_of(options, true)));
    if (r.outcome != process::WaitOutcome::Found) {
        return u64(0);
    }
    if (args.a[1] != 0) {
        TRY_SYS(t.space->write_val<i32>(args.a[1], r.status));
    }
    if (args.a[3] != 0) {
        TRY(copy_rusage(t, args.a[3], r.usage));
    }
    return u64(r.pid);
}

// waitid(idtype, id, infop, options, rusage).
SysResult sys_waitid(process::Thread& t, const Args& args) {
    constexpr u64 P_ALL = 0;
    constexpr u64 P_PID = 1;
    constexpr u64 P_PGID = 2;
    constexpr i32 SIGCHLD = 17;
    constexpr i32 CLD_EXITED = 1;
    constexpr i32 CLD_KILLED = 2;
    constexpr i32 CLD_DUMPED = 3;
    const u64 idtype = args.a[0];
    const i32 id = i32(u32(args.a[1]));
    const u64 options = args.a[3];
    if ((options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WCLONE |
                     WALL)) != 0 ||
        (options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) {
        return Errno::EINVAL;
    }
    process::WaitTarget which;
    switch (idtype) {
    case P_ALL:
        break;
    case P_PID:
        if (id <= 0) {
            return Errno::EINVAL;
        }
        which = {process::WaitTarget::Pid, id};
        break;
    case P_PGID:
        if (id < 0) {
            return Errno::EINVAL;
        }
        which = id == 0 ? process::WaitTarget{process::WaitTarget::OwnGroup, 0}
                        : process::WaitTarget{process::WaitTarget::Group, id};
        break;
    default:
        return Errno::EINVAL; // P_PIDFD: no pidfds in this kernel
    }
    const process::WaitResult r =
        TRY(wait_for(t, which, (options & WNOHANG) != 0, (options & WNOWAIT) == 0,
                     filter_of(options, (options & WEXITED) != 0)));
    const bool found = r.outcome == process::WaitOutcome::Found;
    if (found && args.a[4] != 0) {
        TRY(copy_rusage(t, args.a[4], r.usage));
    }
    if (args.a[2] == 0) {
        return u64(0);
    }
    // siginfo_t: si_signo, si_errno, si_code, (pad), si_pid, si_uid,
    // si_status; the rest of the 128 bytes is left as it was (Linux
    // writes only these fields).
    i32 code = 0;
    i32 status = 0;
    if (found && r.status == process::CONTINUED_STATUS) {
        code = signal::CLD_CONTINUED;
        status = signal::SIGCONT;
    } else if (found && (r.status & 0x7f) == 0x7f) {
        code = signal::CLD_STOPPED;
        status = (r.status >> 8) & 0xff;
    } else if (found) {
        const i32 sig = r.status & 0x7f;
        code = sig == 0 ? CLD_EXITED : ((r.status & 0x80) != 0 ? CLD_DUMPED : CLD_KILLED);
        status = sig == 0 ? (r.status >> 8) & 0xff : sig;
    }
    const klib::Array<i32, 7> info = {found ? SIGCHLD : 0, 0, code, 0, found ? r.pid : 0, 0, status};
    TRY_SYS(t.space->write_val(args.a[2], info));
    return u64(0);
}

} // namespace services::syscall
