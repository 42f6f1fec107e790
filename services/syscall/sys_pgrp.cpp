// Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid
// (the rules live in process/table.cpp, under the table's lock).
#include "../process/table.h"
#include "syscall.h"

namespace services::syscall {

namespace {

// The thread group of `pid` (0: the caller's), or ESRCH.
klib::Result<i32, Errno> target(const process::Thread& t, u64 arg) {
    const i32 pid = i32(u32(arg));
    if (pid == 0) {
        return t.pid();
    }
    const i32 g = pid < 0 ? 0 : process::group_of(pid);
    if (g == 0) {
        return Errno::ESRCH;
    }
    return g;
}

SysResult from_errno(i64 r) {
    if (r < 0) {
        return Errno(-r);
    }
    return u64(r);
}

} // namespace

SysResult sys_setpgid(process::Thread& t, const Args& args) {
    return from_errno(process::setpgid(t.pid(), i32(u32(args.a[0])), i32(u32(args.a[1]))));
}

SysResult sys_getpgid(process::Thread& t, const Args& args) {
    const i32 pid = TRY(target(t, args.a[0]));
    return u64(process::getpgid(pid));
}

SysResult sys_getpgrp(process::Thread& t, const Args&) {
    return u64(process::getpgid(t.pid()));
}

SysResult sys_setsid(process::Thread& t, const Args&) {
    SysResult r = from_errno(process::setsid(t.pid()));
    if (r.is_ok()) {
        // A new session starts without a controlling terminal.
        t.proc->state.with([](process::ProcState& s) { s.terminal.ctty = klib::none; });
    }
    return r;
}

SysResult sys_getsid(process::Thread& t, const Args& args) {
    const i32 pid = TRY(target(t, args.a[0]));
    return u64(process::getsid(pid));
}

} // namespace services::syscall
