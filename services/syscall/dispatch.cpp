#include "syscall.h"
#include "../process/interrupt.h"
#include "../signal/signal.h"

#include <keel/log.h>

namespace services::syscall {

void dispatch(process::Thread& t) {
    const keel::UserRegs r = t.ctx.regs;
    const Args args{{r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9}};
    SysResult res = Errno::ENOSYS;
    process::publish_signals(t); // what its interruptible waits check
    switch (r.rax) {
#define SERVICES_CASE(nr, name)                                                                    \
    case nr:                                                                                       \
        res = sys_##name(t, args);                                                                 \
        break;
        SERVICES_SYSCALLS(SERVICES_CASE)
#undef SERVICES_CASE
    default:
        keel::log_warn("syscall: {} not implemented (pid {})", r.rax, t.pid());
        break;
    }
    // EPIPE from a write to a pipe with no reader raises SIGPIPE at the
    // writer, as Linux's pipe_write (si_code SI_USER from itself).
    if (res.is_err() && res.error() == Errno::EPIPE && (r.rax == 1 || r.rax == 20 || r.rax == 40)) {
        const signal::SigInfo info = signal::SigInfo::user(signal::SIGPIPE, signal::SI_USER, t.pid(), 0);
        signal::send_thread(t.sig, t.proc->signals.shared, info);
    }
    t.ctx.regs.rax = res.is_ok() ? res.value() : u64(0) - u64(res.error());
}

} // namespace services::syscall
