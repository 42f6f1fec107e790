// What other tasks may reach of one user thread: the process table maps
// its tid to this (Linux's find_task_by_vpid), so tkill, tgkill and
// rt_tgsigqueueinfo reach any thread of any process, and exec's de_thread
// and exit_group can kill the other threads of a process.
#pragma once

#include "../signal/signal.h"
#include "fs_share.h"
#include <keel/sync/spinlock.h>
#include <klib/arc.h>

namespace services::process {

struct ThreadLink {
    explicit ThreadLink(klib::Arc<FsShared> v) : vfs(klib::move(v)) {}
    ThreadLink(const ThreadLink&) = delete;
    ThreadLink& operator=(const ThreadLink&) = delete;

    // Signals sent to this thread alone by another task (tkill, tgkill,
    // SIGKILL of de_thread). The thread moves them to its own pending set
    // before it returns to user mode (run.cpp); whoever posts here kicks
    // the process's shared inbox so that the thread's waits re-check.
    signal::Inbox inbox;
    // The thread's file-system context: its credentials (kill permission).
    klib::Arc<FsShared> vfs;
    // Another thread exec'd (Linux's de_thread): this one exits at once,
    // alone and without running user code again.
    keel::SpinLock<bool> killed{false};

    bool is_killed() const {
        return killed.with([](bool& k) { return k; });
    }
};

} // namespace services::process
