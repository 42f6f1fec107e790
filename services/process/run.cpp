// The user-mode loop of a process: user mode is a function call.
#include "../signal/deliver.h"
#include "../syscall/syscall.h"
#include "process.h"
#include <keel/log.h>
#include <keel/task.h>

namespace services::process {

namespace {

constexpr u64 VEC_PAGE_FAULT = 14;
constexpr u64 PF_WRITE = 1u << 1; // #PF error code: the access was a write
constexpr u64 PF_USER = 1u << 2;
constexpr u64 PF_INSTR = 1u << 4; // an instruction fetch

// The siginfo Linux gives a CPU exception raised in user mode (vector,
// error code and CR2 in `e`, the faulting rip in `rip`).
signal::SigInfo fault_info(const keel::UserException& e, u64 rip) {
    using namespace signal;
    switch (e.vector) {
    case 0: // #DE
        return SigInfo::fault(SIGFPE, FPE_INTDIV, rip);
    case 1: // #DB: single step
        return SigInfo::fault(SIGTRAP, TRAP_TRACE, rip);
    case 3: // #BP: int3 (Linux's do_trap with no info)
        return SigInfo(SIGTRAP, SI_KERNEL);
    case 6: // #UD
        return SigInfo::fault(SIGILL, ILL_ILLOPN, rip);
    case 16: // x87 #MF
    case 19: // SIMD #XM
        return SigInfo::fault(SIGFPE, 0, rip);
    case 17: // #AC
        return SigInfo::fault(SIGBUS, BUS_ADRALN, 0);
    default: // #GP, #SS, #NP, ...
        return SigInfo(SIGSEGV, SI_KERNEL);
    }
}

// A user page fault: demand paging and copy-on-write, or the siginfo of
// the signal it raises.
klib::Optional<signal::SigInfo> page_fault(const Process& p, const keel::UserException& e) {
    using namespace signal;
    const mm::Access access{(e.error_code & PF_WRITE) != 0, (e.error_code & PF_INSTR) != 0};
    auto r = p.space.handle_fault(e.fault_addr, access);
    if (r.is_ok()) {
        return klib::none;
    }
    switch (r.error()) {
    case klib::Error::OutOfRange:
        return SigInfo::fault(SIGBUS, BUS_ADRERR, e.fault_addr); // past the object's end
    case klib::Error::NoMemory:
        return SigInfo(SIGKILL, SI_KERNEL); // as Linux's out-of-memory killer
    default:
        break;
    }
    const bool mapped = e.fault_addr < keel::VmSpace::USER_END &&
                        p.space.overlaps(e.fault_addr, e.fault_addr + 1);
    return SigInfo::fault(SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, e.fault_addr);
}

// Sleeps while the process is stopped (until SIGCONT or SIGKILL).
void stay_stopped(const Process& p) {
    const signal::Inbox& shared = *p.signals.shared.value();
    shared.set_stopped(true);
    (void)shared.wait(
        [&]() {
            return !shared.stopped() ||
                   ((shared.pending() | (*p.thread_sig.inbox.value()).pending()) & signal::bit(signal::SIGKILL)) != 0;
        },
        0);
    shared.set_stopped(false);
}

} // namespace

i32 run(Process& p) {
    // The last page fault resolved, to stop a fault that the resolution
    // does not cure from looping forever.
    klib::Optional<keel::UserException> last_fault;
    while (!p.exited) {
        if (signal::has_work(p.signals, p.thread_sig, p.space, p.ctx)) {
            const signal::Outcome o = signal::deliver(p.signals, p.thread_sig, p.space, p.ctx);
            if (o.kind == signal::Outcome::Kind::Exit) {
                // A core dump is never written (RLIMIT_CORE is 0, as on
                // Linux by default): no 0x80 in the status.
                p.exited = true;
                p.exit_status = o.sig;
                break;
            }
            if (o.kind == signal::Outcome::Kind::Stop) {
                stay_stopped(p);
                continue;
            }
        }
        const keel::UserExit why = p.space.enter(p.ctx);
        if (why != keel::UserExit::Exception || p.ctx.exception.vector != VEC_PAGE_FAULT) {
            last_fault = klib::none;
        }
        switch (why) {
        case keel::UserExit::Syscall:
            p.thread_sig.syscall_nr = i64(p.ctx.regs.rax);
            syscall::dispatch(p);
            break;
        case keel::UserExit::Preempted:
            keel::yield_now();
            break;
        case keel::UserExit::Exception: {
            keel::UserException& e = p.ctx.exception;
            klib::Optional<signal::SigInfo> info = fault_info(e, p.ctx.regs.rip);
            if (e.vector == VEC_PAGE_FAULT) {
                const bool again = last_fault.has_value() &&
                                   last_fault.value().fault_addr == e.fault_addr &&
                                   last_fault.value().error_code == e.error_code;
                info = page_fault(p, e);
                if (!info.has_value() && !again) {
                    last_fault = e;
                    break;
                }
                if (!info.has_value()) {
                    info = signal::SigInfo::fault(signal::SIGSEGV, signal::SEGV_ACCERR, e.fault_addr);
                }
                e.error_code |= PF_USER; // uc_mcontext.err as Linux reports it
            }
            p.thread_sig.trap_nr = e.vector;
            p.thread_sig.error_code = e.error_code;
            if (e.vector == VEC_PAGE_FAULT) {
                p.thread_sig.cr2 = e.fault_addr;
            }
            keel::log_info("pid {}: signal {} (vector {}, error {:#x}, addr {:#x}, rip {:#x})",
                           p.pid, info.value().signo(), e.vector, e.error_code, e.fault_addr,
                           p.ctx.regs.rip);
            signal::force_fault(p.signals, p.thread_sig, p.space, p.ctx, info.value());
            break;
        }
        }
    }
    return p.exit_status;
}

} // namespace services::process
