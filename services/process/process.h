// A process: an address space and one user thread. (Signals, files and more
// threads come with later issues.)
#pragma once

#include <keel/mm/vm_space.h>
#include <keel/user.h>

namespace services::process {

struct Process {
    explicit Process(keel::VmSpace&& s) : space(klib::move(s)) {}

    keel::VmSpace space;
    keel::UserContext ctx;
    i32 pid = 1;
    u64 brk_start = 0;   // end of the loaded image, page-aligned
    u64 brk_current = 0; // the program break as brk(2) reports it
    u64 clear_child_tid = 0;
    bool exited = false;
    i32 exit_status = 0; // wait(2) encoding: status << 8, or the signal number
};

// Runs the process until it exits or dies; returns its wait(2) status.
i32 run(Process& p);

} // namespace services::process
