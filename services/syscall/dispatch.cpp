#include "syscall.h"

#include <keel/log.h>

namespace services::syscall {

void dispatch(process::Thread& t) {
    const keel::UserRegs r = t.ctx.regs;
    const Args args{{r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9}};
    SysResult res = Errno::ENOSYS;
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
    t.ctx.regs.rax = res.is_ok() ? res.value() : u64(0) - u64(res.error());
}

} // namespace services::syscall
