// The parts of execve's point of no return that belong to other
// subsystems' state (see exec.h).
#include "exec.h"

namespace services::process {

void exec_end_other_threads(Thread&) {
    // The process model ends the other threads of the process here (Linux's
    // de_thread: they die, the exec'ing thread becomes the leader) before
    // the swap. Until it does, exec in a multi-threaded process leaves the
    // other threads running on the old address space.
}

void exec_reset_signals(Thread& t) {
    // Linux's flush_signal_handlers(t, 0) and the alternate stack cleared.
    t.proc->state.with([](ProcState& s) { s.handlers.reset_handled(); });
    t.sig.altstack = signal::AltStack{};
}

} // namespace services::process
