// iopl and ioperm: Keel never gives user mode I/O ports (the TSS has no I/O
// bitmap and execute_user() clears IOPL on every entry), so a request for
// more access fails with EPERM for every caller, root included: Linux's
// answer under lockdown=integrity (security_locked_down(LOCKDOWN_IOPORT)),
// with its checks in its order. Giving up access one never had succeeds.
// A port instruction in user mode stays a #GP, i.e. SIGSEGV.
#include "syscall.h"

namespace services::syscall {

namespace {
constexpr u64 IO_BITMAP_BITS = 65536;
} // namespace

// iopl(level): level is an unsigned int; the thread's level is always 0.
SysResult sys_iopl(process::Thread&, const Args& args) {
    const u32 level = u32(args.a[0]);
    if (level > 3) {
        return Errno::EINVAL;
    }
    if (level == 0) {
        return u64(0); // no change
    }
    return Errno::EPERM;
}

// ioperm(from, num, turn_on): turn_on is an int.
SysResult sys_ioperm(process::Thread&, const Args& args) {
    const u64 from = args.a[0];
    const u64 num = args.a[1];
    const bool turn_on = u32(args.a[2]) != 0;
    if (from + num <= from || from + num > IO_BITMAP_BITS) {
        return Errno::EINVAL;
    }
    if (turn_on) {
        return Errno::EPERM;
    }
    return u64(0); // no bitmap: nothing to clear
}

} // namespace services::syscall
