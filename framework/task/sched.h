// The scheduler's private interface. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::sched {

// Makes the running boot code task 1. Called once, before interrupts.
void init();
// Timer tick: wakes sleepers whose time has come.
void on_tick();
// Adds `ns` of user-mode time to the running task (execute_user).
// Interrupts off, or the caller's own task only.
void charge_user(u64 ns);
// True when another task is ready to run (for user-mode preemption).
bool others_ready();

} // namespace keel::sched
