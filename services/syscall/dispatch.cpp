#include "syscall.h"
#include "../signal/signal.h"

#include <keel/log.h>

namespace services::syscall {

void dispatch(process::Thread& t) {
    // The number and arguments only (not a copy of every register): a
    // handler may change t.ctx.regs (execve, rt_sigreturn).
    const keel::UserRegs& regs = t.ctx.regs;
    const u64 nr = regs.rax;
    const Args args{{regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9}};
    SysResult res = Errno::ENOSYS;
    switch (nr) {
#define SERVICES_CASE(nr, name)                                                                    \
    case nr:                                                                                       \
        res = sys_##name(t, args);                                                                 \
        break;
        SERVICES_SYSCALLS(SERVICES_CASE)
#undef SERVICES_CASE
    default:
        keel::log_warn("syscall: {} not implemented (pid {})", nr, t.pid());
        break;
    }
    // EPIPE from a write to a pipe with no reader raises SIGPIPE at the
    // writer, as Linux's pipe_write (si_code SI_USER from itself).
    if (res.is_err() && res.error() == Errno::EPIPE && (nr == 1 || nr == 20 || nr == 40)) {
        const signal::SigInfo info = signal::SigInfo::user(signal::SIGPIPE, signal::SI_USER, t.pid(), 0);
        signal::send_thread(t.sig, t.proc->signals.shared, info);
    }
    t.ctx.regs.rax = res.is_ok() ? res.value() : u64(0) - u64(res.error());
}

} // namespace services::syscall
