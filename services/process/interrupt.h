// The Interrupter of a user thread (services/wait): its waits end when
// its process exits or a signal it neither blocks nor drops is pending,
// SIGKILL always. Internal to services/process (run.cpp registers it).
#pragma once

#include "../wait/interrupt.h"
#include "process.h"

namespace services::process {

// Registers the running task as `t`'s: signals posted to its process wake
// it wherever it blocks, and its waits give up as Linux's
// signal_pending(). Undone by leave_waits. NoMemory.
klib::Result<void> enter_waits(const Thread& t);
void leave_waits(const Thread& t);

// Publishes the thread's mask and own pending set for its waits (before
// each syscall, and after a syscall changed the mask to wait with it).
// Only a change takes the registry's lock: the common syscall pays two
// compares.
inline void publish_signals(Thread& t) {
    const u64 own = t.sig.pending.set();
    if (t.sig.published && t.sig.published_mask == t.sig.mask && t.sig.published_own == own) {
        return;
    }
    wait::publish(t.sig.mask, own);
    t.sig.published = true;
    t.sig.published_mask = t.sig.mask;
    t.sig.published_own = own;
}

} // namespace services::process
