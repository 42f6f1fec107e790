// The user-mode loop of a thread, on its own kernel task: user mode is a
// function call; syscalls and faults come back here.
#include "../signal/deliver.h"
#include "../syscall/syscall.h"
#include "exit.h"
#include "interrupt.h"
#include "proc_view.h"
#include "table.h"
#include "process.h"
#include "stack.h"
#include "table.h"
#include <keel/log.h>
#include <keel/task.h>
#include <klib/function.h>

namespace services::process {

namespace {

constexpr u64 VEC_PAGE_FAULT = 14;
constexpr u64 PF_PRESENT = 1u << 0; // #PF error code: the page was present
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
klib::Optional<signal::SigInfo> page_fault(const Thread& t, const keel::UserException& e) {
    using namespace signal;
    const mm::Access access{(e.error_code & PF_WRITE) != 0, (e.error_code & PF_INSTR) != 0};
    // A new stack page past the current RLIMIT_STACK (Linux's failed
    // expand_stack: no area there, SEGV_MAPERR). Pages it already has stay.
    if ((e.error_code & PF_PRESENT) == 0) {
        const u64 limit = t.proc->state.with([](ProcState& s) { return s.res.limits.cur(RLIMIT_STACK); });
        if (growth_past_stack_limit(e.fault_addr, limit)) {
            return SigInfo::fault(SIGSEGV, SEGV_MAPERR, e.fault_addr);
        }
    }
    auto r = t.space->handle_fault(e.fault_addr, access);
    if (r.is_ok()) {
        return klib::none;
    }
    switch (r.error()) {
    case klib::Error::OutOfRange:
    case klib::Error::NoSpace: // a tmpfs page over the size limit (as Linux's shmem fault)
        return SigInfo::fault(SIGBUS, BUS_ADRERR, e.fault_addr); // past the object's end
    case klib::Error::NoMemory:
        return SigInfo(SIGKILL, SI_KERNEL); // as Linux's out-of-memory killer
    default:
        break;
    }
    const bool mapped = e.fault_addr < keel::VmSpace::USER_END &&
                        t.space->overlaps(e.fault_addr, e.fault_addr + 1);
    return SigInfo::fault(SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, e.fault_addr);
}

signal::SigAction action_of(const Process& p, i32 sig) {
    return p.state.with([&](ProcState& s) { return s.handlers.get(sig); });
}

void set_action(const Process& p, i32 sig, signal::SigAction a) {
    p.state.with([&](ProcState& s) { s.handlers.set(sig, a); });
}

u32 live_threads(const Process& p) {
    return p.state.with([](ProcState& s) { return s.live_threads; });
}

// The parent's SIGCHLD of a stop or continue, when one is due.
void send_notice(const Thread& t) {
    const signal::Inbox::Notice n = t.proc->signals.shared.take_notice();
    if (n.code != 0) {
        notify_parent_jobctl(t.pid(), n.code, n.status);
    }
}

bool sigkill_pending(const Thread& t) {
    const u64 kill = signal::bit(signal::SIGKILL);
    return ((t.proc->signals.shared.pending() | t.sig.pending.set()) & kill) != 0;
}

// Takes part in the group stop and sleeps until SIGCONT (Linux's
// do_signal_stop); false when SIGKILL or a group exit ends the thread.
bool park(Thread& t) {
    const klib::Arc<Process> proc = t.proc.clone();
    const signal::Inbox& shared = (*proc).signals.shared;
    const signal::Inbox::Parked p = shared.park(live_threads(*proc));
    t.sig.stop_seen = p.gen;
    if (p.completed) {
        send_notice(t);
    }
    (void)shared.wait(
        [&]() { return !shared.holds(p.gen) || sigkill_pending(t) || (*proc).exiting(); }, 0);
    if (sigkill_pending(t)) {
        // Linux's SIGKILL makes the group exit at once (complete_signal):
        // nothing else pending is acted on.
        exit_thread(t, signal::SIGKILL, true);
        return false;
    }
    return !t.proc->exiting();
}

// Acts on pending signals before the return to user mode; false when the
// thread is to exit (a fatal signal).
bool deliver_signals(Thread& t) {
    for (;;) {
        send_notice(t);
        if (t.proc->signals.shared.stop_wanted(t.sig.stop_seen)) {
            if (!park(t)) {
                return false;
            }
            continue;
        }
        const klib::Arc<Process> p = t.proc.clone();
        const klib::Arc<mm::AddressSpace> space = t.space.clone();
        const signal::Outcome o = signal::deliver(
            [&](i32 sig) { return action_of(*p, sig); },
            [&](i32 sig, signal::SigAction a) { set_action(*p, sig, a); }, (*p).signals.shared,
            t.sig, *space, t.ctx, (*p).pid == 1);
        if (o.kind == signal::Outcome::Kind::Exit) {
            // A core dump is never written (RLIMIT_CORE is 0, as on Linux
            // by default): no 0x80 in the status.
            exit_thread(t, o.sig, true);
            return false;
        }
        if (o.kind != signal::Outcome::Kind::Stop) {
            return true;
        }
        // Linux's get_signal: SIGTSTP, SIGTTIN and SIGTTOU are discarded
        // in an orphaned process group (nobody could continue it).
        if (o.sig != signal::SIGSTOP && pgrp_orphaned(getpgid(t.pid()))) {
            continue;
        }
        (void)(*p).signals.shared.begin_stop(o.sig); // parks at the loop's top
    }
}

// A thread that exits during a group stop it has not parked for: the
// stop completes if every other thread has (Linux's exit_signals).
void leave_group_stop(const Thread& t) {
    const signal::Inbox& shared = t.proc->signals.shared;
    if (t.proc->exiting() || !shared.stop_wanted(t.sig.stop_seen)) {
        return;
    }
    const u32 live = live_threads(*t.proc);
    if (live > 1 && shared.recount(live - 1)) {
        send_notice(t);
    }
}

// Moves the signals other tasks sent to this thread alone (its link's
// inbox) to its own pending set, where delivery and the waits see them.
void take_thread_signals(Thread& t) {
    const klib::Arc<ThreadLink> link = t.link.clone();
    for (;;) {
        klib::Optional<signal::SigInfo> i = (*link).inbox.take(~u64(0));
        if (!i.has_value()) {
            return;
        }
        (void)t.sig.pending.add(i.value());
    }
}

// Runs the thread until it exits or its process does.
void run(Thread& t) {
    // The last page fault resolved, to stop a fault that the resolution
    // does not cure from looping forever.
    klib::Optional<keel::UserException> last_fault;
    while (!t.exited && !t.proc->exiting()) {
        take_thread_signals(t);
        if (t.link->is_killed()) {
            exit_thread(t, signal::SIGKILL, false); // de_thread: it ends alone
            break;
        }
        if (signal::has_work(t.proc->signals.shared, t.sig, t.ctx) && !deliver_signals(t)) {
            break;
        }
        const keel::UserExit why = t.space->enter(t.ctx);
        if (why != keel::UserExit::Exception || t.ctx.exception.vector != VEC_PAGE_FAULT) {
            last_fault = klib::none;
        }
        switch (why) {
        case keel::UserExit::Syscall:
            t.sig.syscall_nr = i64(t.ctx.regs.rax);
            syscall::dispatch(t);
            break;
        case keel::UserExit::Preempted:
            keel::yield_now();
            break;
        case keel::UserExit::Exception: {
            keel::UserException& e = t.ctx.exception;
            klib::Optional<signal::SigInfo> info = fault_info(e, t.ctx.regs.rip);
            if (e.vector == VEC_PAGE_FAULT) {
                const bool again = last_fault.has_value() &&
                                   last_fault.value().fault_addr == e.fault_addr &&
                                   last_fault.value().error_code == e.error_code;
                info = page_fault(t, e);
                if (!info.has_value() && !again) {
                    last_fault = e;
                    break;
                }
                if (!info.has_value()) {
                    info = signal::SigInfo::fault(signal::SIGSEGV, signal::SEGV_ACCERR, e.fault_addr);
                }
                e.error_code |= PF_USER; // uc_mcontext.err as Linux reports it
                t.sig.cr2 = e.fault_addr;
            }
            t.sig.trap_nr = e.vector;
            t.sig.error_code = e.error_code;
            keel::log_info("pid {}: signal {} (vector {}, error {:#x}, addr {:#x}, rip {:#x})",
                           t.pid(), info.value().signo(), e.vector, e.error_code, e.fault_addr,
                           t.ctx.regs.rip);
            const klib::Arc<Process> p = t.proc.clone();
            signal::force_fault([&](i32 sig) { return action_of(*p, sig); },
                                [&](i32 sig, signal::SigAction a) { set_action(*p, sig, a); },
                                (*p).signals.shared, t.sig, info.value());
            break;
        }
        }
    }
}

void thread_main(Thread t) {
    note_thread(t); // what /proc shows of it
    if (enter_waits(t).is_err()) {
        keel::log_warn("pid {}: out of memory: thread {} waits uninterruptibly", t.pid(), t.tid);
    }
    run(t);
    leave_group_stop(t);
    leave_waits(t);
    if (t.proc->exiting() || t.proc->state.with([](ProcState& s) { return s.live_threads <= 1; })) {
        t.proc->signals.itimer.stop(); // its task holds the process
    }
    forget_thread(t);
    const ThreadEnd end = end_thread(t);
    {
        Thread gone = klib::move(t); // the thread's space, files and fs go now
    }
    finish_thread(end);
}

} // namespace

klib::Result<void> start_thread(Thread t) {
    link_thread(t.tid, t.link.clone());
    auto body = TRY(klib::Function<void()>::make(
        [th = klib::move(t)]() mutable { thread_main(klib::move(th)); }));
    TRY(keel::spawn_task(klib::move(body)));
    return {};
}

} // namespace services::process
