// The user-mode loop of a process: user mode is a function call.
#include "../syscall/syscall.h"
#include "process.h"
#include <keel/log.h>
#include <keel/task.h>

namespace services::process {

namespace {

// The signal Linux sends for a CPU exception vector.
i32 signal_for(u64 vector) {
    switch (vector) {
    case 0:
        return 8; // #DE: SIGFPE
    case 1:       // #DB
    case 3:
        return 5; // #BP: SIGTRAP
    case 6:
        return 4; // #UD: SIGILL
    case 16:      // x87
    case 19:
        return 8; // SIMD: SIGFPE
    default:
        return 11; // #GP, #PF, ...: SIGSEGV
    }
}

} // namespace

i32 run(Process& p) {
    while (!p.exited) {
        switch (keel::execute_user(p.space, p.ctx)) {
        case keel::UserExit::Syscall:
            syscall::dispatch(p);
            break;
        case keel::UserExit::Preempted:
            keel::yield_now();
            break;
        case keel::UserExit::Exception: {
            const keel::UserException e = p.ctx.exception;
            i32 sig = signal_for(e.vector);
            keel::log_info(
                "pid {}: killed by signal {} (vector {}, error {:#x}, addr {:#x}, rip {:#x})",
                p.pid, sig, e.vector, e.error_code, e.fault_addr, p.ctx.regs.rip);
            p.exited = true;
            p.exit_status = sig;
            break;
        }
        }
    }
    return p.exit_status;
}

} // namespace services::process
