// CPU time and RLIMIT_NPROC's task count at the ends of threads and
// processes: what getrusage, times and wait4 report (Linux's
// thread_group_cputime and the cutime/cstime wait_task_zombie adds up).
// A thread's time is its kernel task's (keel::task_times: user mode inside
// execute_user, the rest of its running time in the kernel).
#pragma once

#include "process.h"

namespace services::process {

// The calling thread's CPU times.
CpuTimes thread_times();
// Process `p`'s: its ended threads' and its running threads'.
CpuTimes process_times(const Process& p);
// Its reaped children's, with what they had of their own reaped children.
CpuTimes children_times(const Process& p);

// A thread of `p` ends, on its own task: its times go to the process's;
// its task is counted out of RLIMIT_NPROC unless it is the process's last
// (a zombie still counts until it is reaped, as Linux's release_task).
void account_thread_end(const Process& p, bool last);
// `child` was reaped by `parent` (wait4, waitid): counted out of
// RLIMIT_NPROC, its times and its children's added to the parent's
// children times; returns that sum (wait4's rusage).
CpuTimes account_reap(const Process& parent, const Process& child);
// `child` went away unwaited for (a parent ignoring SIGCHLD): counted out
// of RLIMIT_NPROC only (Linux adds no times then).
void account_release(const Process& child);
// After a set*uid call changed the real uid to `uid`: p's tasks count for
// `uid` from now on (Linux's commit_creds moves the count).
void nproc_move(const Process& p, u32 uid);

// `p` runs a new program image (execve, init): `image` keeps its file
// from being written; the previous image's hold is dropped.
void hold_image(const Process& p, klib::Optional<fs::WriteGuard> image);

// RLIMIT_AS (Linux's may_expand_vm): whether `t`'s address space may
// grow by `bytes` (mapped areas, reserved or not, count).
bool may_expand_vm(const Thread& t, u64 bytes);

} // namespace services::process
