#include "syscall.h"
#include "../signal/signal.h"

#include <keel/log.h>
#include <klib/array.h>
#include <klib/atomic.h>

namespace services::syscall {

namespace {

// Each unknown number is reported once (a fuzzer or a newer C library
// probing calls would otherwise flood the console, and a slow serial line
// slows every caller down): one bit per number below 512, one more bit for
// all numbers above. Linux reports nothing; ENOSYS is the answer either way.
constexpr u64 WARN_NUMBERS = 512;
klib::Array<klib::Atomic<u64>, WARN_NUMBERS / 64 + 1> g_warned;

bool first_warning(u64 nr) {
    const u64 bit = nr < WARN_NUMBERS ? nr : WARN_NUMBERS;
    const u64 mask = u64(1) << (bit % 64);
    return (g_warned[bit / 64].fetch_or(mask, klib::MemoryOrder::Relaxed) & mask) == 0;
}

} // namespace

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
        if (first_warning(nr)) {
            keel::log_warn("syscall: {} not implemented (pid {}; reported once)", nr, t.pid());
        }
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
