// Interruptible waits (Linux's TASK_INTERRUPTIBLE sleeps): a syscall
// blocked on any keel::WaitQueue gives up when a signal must be acted on,
// and its caller returns ERESTARTSYS (or EINTR where Linux never restarts);
// signal delivery then restarts the syscall or makes it fail with EINTR.
//
// Three parties, one mechanism:
// - Who decides: the task that runs a user thread registers an Interrupter
//   for as long as it runs (process/ implements it from the thread's
//   process; the thread publishes its own signal mask and pending set).
// - Who wakes: whoever makes a signal pending calls keel::wake_task on the
//   tasks of the receiving process (signal::Inbox keeps their ids).
// - Who waits: every blocking syscall path (pipes, terminals, wait4,
//   futex, poll...) sleeps through until() below, whatever queue it uses.
//
// Layering: the bottom of the service subsystems. fs, tty, signal,
// process and syscall include it; it includes no other subsystem but
// syscall/errno.h, so fs and tty need no process headers.
#pragma once

#include "../syscall/errno.h"
#include <keel/task.h>
#include <klib/arc.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/types.h>

namespace services::wait {

using syscall::Errno;

class Interrupter {
public:
    Interrupter() = default;
    Interrupter(const Interrupter&) = delete;
    Interrupter& operator=(const Interrupter&) = delete;
    virtual ~Interrupter() = default;
    // Whether a wait of the thread must end now. `mask` and `own` are the
    // thread's blocked signals and its own (thread-directed) pending set,
    // as it last published them. Called with the scheduler's lock held
    // (inside a WaitQueue condition): it may take spinlocks, never block.
    virtual bool interrupted(u64 mask, u64 own) const = 0;
};

// The running task runs a user thread whose waits `who` interrupts, until
// leave(). NoMemory (the thread's waits are then not interruptible).
klib::Result<void> enter(klib::Arc<Interrupter> who);
void leave();

// The running thread's signal mask and own pending set (it publishes them
// before each syscall and whenever a syscall changes its mask before
// waiting). No effect on a task that did not enter().
void publish(u64 mask, u64 own);

// Whether the running task's waits are interrupted now (false for kernel
// tasks that did not enter()).
bool interrupted();

// Sleeps on `q` until cond() holds: true; until `timeout_ns` passes (0:
// no limit): false; or until interrupted first: ERESTARTSYS (the caller
// may return it, map it to EINTR, or return a partial count instead).
// cond() is checked first, so a ready condition never reports EINTR.
// Whoever makes cond() true must wake `q` (wake_all) as for any wait.
klib::Result<bool, Errno> until(const keel::WaitQueue& q, klib::FunctionRef<bool()> cond,
                                u64 timeout_ns = 0);

} // namespace services::wait
