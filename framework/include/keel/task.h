// Kernel tasks: threads of kernel execution with their own guarded stacks.
//
// Scheduling is cooperative inside the kernel (a task runs until it yields,
// blocks, sleeps or exits) and preemptive for user mode: a timer interrupt
// taken in user mode while other tasks are ready makes execute_user() return
// UserExit::Preempted, and the service's loop yields. Round-robin among
// ready tasks. One CPU today.
#pragma once

#include <klib/annotations.h>
#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

using TaskId = u64;

// Starts a task that runs `body` once and then exits. NoMemory if the task
// or its stack cannot be allocated.
klib::Result<TaskId> spawn_task(klib::Function<void()> body);

// Lets every other ready task run once before this one continues.
void yield_now();

// The running task (the boot task, which runs the services' entry, is 1).
TaskId current_task();

// Sleeps for at least `ns` nanoseconds (timer resolution: 10 ms).
void sleep_ns(u64 ns);

// CPU time a task has used, in nanoseconds: `total_ns` while it ran
// (kernel and user mode, interrupts taken meanwhile included; time spent
// blocked, sleeping or ready is not), `user_ns` the part inside
// execute_user (user mode). Measured with monotonic_ns() at each task
// switch and around each entry to user mode.
struct TaskTimes {
    u64 user_ns = 0;
    u64 total_ns = 0;
};
// The calling task's. Any task context; never fails.
TaskTimes task_times();
// Task `id`'s (none: no such task, or it has exited). Any task context.
klib::Optional<TaskTimes> task_times(TaskId id);

// Number of tasks that exist (ready, running, blocked or sleeping).
u64 task_count();

// Tasks block on a wait queue until a condition holds. The condition is
// checked with interrupts off, atomically with going to sleep, so a
// wake_all() between the check and the sleep cannot be lost.
//
//   SpinLock<int> count; WaitQueue wq;
//   wq.wait_until([&] { return count.with([](int& c) { return c > 0; }); });
//   ... elsewhere: count.with([](int& c) { ++c; }); wq.wake_all();
class [[clang::annotate("keel_sync")]] WaitQueue {
public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;
    // Destroying a queue that tasks still wait on is a checked error.
    ~WaitQueue();

    // (const: a queue shared through an Arc is reached through const.)
    void wait_until(klib::FunctionRef<bool()> cond) const {
        while (!block_unless(cond)) {
        }
    }
    // As wait_until, giving up after `timeout_ns`: returns whether cond()
    // held (it is checked one last time at the deadline).
    bool wait_until_for(klib::FunctionRef<bool()> cond, u64 timeout_ns) const;

    // Makes every task waiting here ready (they re-check their conditions).
    void wake_all() const;

private:
    // Returns true if cond() held (without blocking); otherwise blocks until
    // woken and returns false.
    bool block_unless(klib::FunctionRef<bool()> cond, u64 deadline_ns = 0) const;
    u64 key() const;
    mutable u64 waiters_ = 0;
};

} // namespace keel

KLIB_TRUSTED_END
