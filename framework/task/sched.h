// The scheduler's private interface. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::sched {

// Makes the running boot code task 1. Called once, before interrupts.
void init();
// Timer tick: wakes sleepers whose time has come.
void on_tick();
// True when another task is ready to run (for user-mode preemption).
bool others_ready();

} // namespace keel::sched
