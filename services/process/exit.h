// The end of a thread and of its process: exit, exit_group, fatal signals,
// zombies. Internal to services/process (run.cpp); syscalls use
// process::exit_thread (process.h).
#pragma once

#include "process.h"

namespace services::process {

struct ThreadEnd {
    klib::Arc<Process> proc;
    i32 tid = 0;
    i32 status = 0;
};

// The thread's last acts in its own address space (clear_child_tid);
// returns what finish_thread needs once the thread's resources are gone.
ThreadEnd end_thread(Thread& t);
// Counts the thread out; the last one out makes the process a zombie (its
// parent's wait4 sees it) with the group's status.
void finish_thread(const ThreadEnd& e);

} // namespace services::process
