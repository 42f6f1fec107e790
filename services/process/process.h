// Linux's process model: a Process (a thread group: pid, exit state, the
// per-process records) and its Threads (tid, registers, and the shared
// resources each thread points at: address space, fd table, file-system
// context, shared between threads and processes as the CLONE_ flags say).
//
// Each thread runs its user loop on its own kernel task (run.cpp); the
// relations between processes (parent, children, process group, session,
// zombies) live in the process table (table.h) under one lock, as Linux's
// tasklist_lock. A Process is shared through Arc (const): what changes in
// it is behind its `state` lock. A Thread belongs to its kernel task alone.
#pragma once

#include "../fs/fd_table.h"
#include "../fs/vfs.h"
#include "../mm/address_space.h"
#include "../signal/signal.h"
#include "../tty/tty.h"
#include "files.h"
#include "fs_share.h"
#include "rlimit.h"
#include "thread_link.h"
#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <keel/user.h>
#include <klib/arc.h>
#include <klib/array.h>
#include <klib/optional.h>

namespace services::process {

// What changes in a process, under Process::state.
struct ProcState {
    u64 brk_start = 0;   // end of the loaded image, page-aligned
    u64 brk_current = 0; // the program break as brk(2) reports it
    signal::SigHandlers handlers; // rt_sigaction dispositions (services/signal)
    Resources res; // limits, RLIMIT_NPROC's count, CPU times (rlimit.h)
    u32 live_threads = 0;  // threads started and not yet exited
    bool group_exit = false;  // exit_group or a fatal signal: every thread exits
    i32 group_status = 0;     // the wait status then
    i32 leader_status = 0;    // the wait status the group leader exited with
    bool vfork_done = false;  // exec'd or exited: a vfork parent may go on
    tty::ProcessTty terminal; // the controlling terminal (fork copies it)
};

class Process {
public:
    explicit Process(i32 id) : pid(id) {}
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    i32 pid;
    keel::SpinLock<ProcState> state;
    keel::WaitQueue child_wait; // a child changed state (wait4 sleeps here)
    keel::WaitQueue changed;    // this process became a zombie (or exec'd)
    signal::ProcessSignals signals; // shared pending set, wake-ups, ITIMER_REAL

    // True once the thread group is exiting (exit_group, fatal signal).
    bool exiting() const {
        return state.with([](ProcState& s) { return s.group_exit; });
    }
};

// One user thread: owned by its kernel task.
struct Thread {
    Thread(klib::Arc<Process> p, i32 id, klib::Arc<mm::AddressSpace> s, klib::Arc<Files> f,
           klib::Arc<FsShared> v, klib::Arc<ThreadLink> l)
        : proc(klib::move(p)), tid(id), space(klib::move(s)), files(klib::move(f)),
          vfs(klib::move(v)), link(klib::move(l)) {}
    Thread(Thread&&) = default;
    Thread& operator=(Thread&&) = delete;
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;

    klib::Arc<Process> proc;
    i32 tid;
    keel::UserContext ctx;
    klib::Arc<mm::AddressSpace> space; // areas, page tables, demand paging
    klib::Arc<Files> files;
    klib::Arc<FsShared> vfs; // root, cwd, umask; may hold none: no file system
    klib::Arc<ThreadLink> link; // what the process table reaches (tkill, de_thread)
    u64 clear_child_tid = 0; // set_tid_address / CLONE_CHILD_CLEARTID
    u64 robust_list = 0;     // set_robust_list: the head of held robust futexes
    signal::ThreadSignals sig; // mask, altstack, own pending set, restart state
    klib::Array<u8, 16> comm{}; // the name prctl(PR_SET_NAME) sets
    bool exited = false;  // this thread is done (exit, exit_group, fatal signal)
    i32 exit_status = 0;  // wait(2) encoding: status << 8, or the signal number

    i32 pid() const { return proc->pid; }
};

// Starts `t` running user mode on a kernel task of its own; the process's
// live thread count must already include it. NoMemory.
klib::Result<void> start_thread(Thread t);

// Ends the calling thread with `status` (wait encoding) after the current
// syscall; with `group`, every thread of the process (exit_group).
void exit_thread(Thread& t, i32 status, bool group);

} // namespace services::process
