// The parts of execve's point of no return that belong to other
// subsystems' state (see exec.h).
#include "exec.h"

namespace services::process {

void exec_end_other_threads(Process&) {
    // One thread per process so far: nothing to end. The process model
    // (threads) kills and reaps the other threads here, before the swap.
}

void exec_reset_signals(Process& p) {
    constexpr u64 SIG_IGN = 1;
    for (SigAction& a : p.sigactions) {
        if (a.handler != SIG_IGN) {
            a.handler = 0; // SIG_DFL
        }
        a.flags = 0;
        a.restorer = 0;
        a.mask = 0;
    }
}

} // namespace services::process
