// The parts of execve's point of no return that belong to other
// subsystems' state (see exec.h).
#include "exec.h"
#include "futex.h"
#include "table.h"

namespace services::process {

void exec_end_other_threads(Thread& t) {
    // Linux's de_thread: every other thread is killed (it exits at its next
    // step towards user mode, alone, without running user code), the exec
    // waits until they are gone, and a non-leader takes the leader's pid.
    const Process& p = *t.proc;
    auto others = other_threads(p.pid, t.tid);
    if (others.is_ok()) {
        for (const klib::Arc<ThreadLink>& l : others.value()) {
            (*l).killed.with([](bool& k) { k = true; });
        }
    }
    // Wake them wherever they wait (as exit_group does).
    p.child_wait.wake_all();
    futex_wake_all_waiters();
    p.signals.shared.kick();
    p.changed.wait_until([&] {
        return p.state.with([](ProcState& s) { return s.live_threads <= 1 || s.group_exit; });
    });
    if (t.tid != p.pid && !p.exiting()) {
        take_leadership(p.pid, t.tid);
        t.tid = p.pid;
    }
}

void exec_reset_signals(Thread& t) {
    // Linux's flush_signal_handlers(t, 0) and the alternate stack cleared.
    t.proc->state.with([](ProcState& s) { s.handlers.reset_handled(); });
    t.sig.altstack = signal::AltStack{};
}

} // namespace services::process
