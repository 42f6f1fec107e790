// The user-mode loop of a thread, on its own kernel task: user mode is a
// function call; syscalls and faults come back here.
#include "../syscall/syscall.h"
#include "exit.h"
#include "process.h"
#include <keel/log.h>
#include <keel/task.h>
#include <klib/function.h>

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

constexpr u64 VEC_PAGE_FAULT = 14;
constexpr u64 PF_WRITE = 1u << 1; // #PF error code: the access was a write
constexpr u64 PF_INSTR = 1u << 4; // an instruction fetch
constexpr i32 SIGBUS = 7;
constexpr i32 SIGKILL = 9;
constexpr i32 SIGSEGV = 11;

// A user page fault: demand paging and copy-on-write, or the signal that
// kills the process (delivery to handlers comes with signals).
klib::Optional<i32> page_fault(const Thread& t, const keel::UserException& e) {
    const mm::Access access{(e.error_code & PF_WRITE) != 0, (e.error_code & PF_INSTR) != 0};
    auto r = t.space->handle_fault(e.fault_addr, access);
    if (r.is_ok()) {
        return klib::none;
    }
    switch (r.error()) {
    case klib::Error::OutOfRange:
        return SIGBUS; // past the end of the mapped object
    case klib::Error::NoMemory:
        return SIGKILL; // as Linux's out-of-memory killer
    default:
        return SIGSEGV;
    }
}

// Runs the thread until it exits or its process does.
void run(Thread& t) {
    // The last page fault resolved, to stop a fault that the resolution
    // does not cure from looping forever.
    klib::Optional<keel::UserException> last_fault;
    while (!t.exited && !t.proc->exiting()) {
        const keel::UserExit why = t.space->enter(t.ctx);
        if (why != keel::UserExit::Exception || t.ctx.exception.vector != VEC_PAGE_FAULT) {
            last_fault = klib::none;
        }
        switch (why) {
        case keel::UserExit::Syscall:
            syscall::dispatch(t);
            break;
        case keel::UserExit::Preempted:
            keel::yield_now();
            break;
        case keel::UserExit::Exception: {
            const keel::UserException e = t.ctx.exception;
            i32 sig = signal_for(e.vector);
            if (e.vector == VEC_PAGE_FAULT) {
                const bool again = last_fault.has_value() &&
                                   last_fault.value().fault_addr == e.fault_addr &&
                                   last_fault.value().error_code == e.error_code;
                klib::Optional<i32> fatal = page_fault(t, e);
                if (!fatal.has_value() && !again) {
                    last_fault = e;
                    break;
                }
                sig = fatal.has_value() ? fatal.value() : SIGSEGV;
            }
            keel::log_info(
                "pid {}: killed by signal {} (vector {}, error {:#x}, addr {:#x}, rip {:#x})",
                t.pid(), sig, e.vector, e.error_code, e.fault_addr, t.ctx.regs.rip);
            exit_thread(t, sig, true);
            break;
        }
        }
    }
}

void thread_main(Thread t) {
    run(t);
    const ThreadEnd end = end_thread(t);
    {
        Thread gone = klib::move(t); // the thread's space, files and fs go now
    }
    finish_thread(end);
}

} // namespace

klib::Result<void> start_thread(Thread t) {
    auto body = TRY(klib::Function<void()>::make(
        [th = klib::move(t)]() mutable { thread_main(klib::move(th)); }));
    TRY(keel::spawn_task(klib::move(body)));
    return {};
}

} // namespace services::process
