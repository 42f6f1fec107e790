// The process table: every process by pid with its relations (parent,
// process group, session) and its life (running, zombie), and the thread
// ids in use, under one lock (Linux's tasklist_lock). Pids and tids come
// from one space, allocated upwards and wrapping at PID_MAX as Linux's
// alloc_pid does.
#pragma once

#include "process.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>

namespace services::process {

constexpr i32 PID_MAX = 32768;      // Linux's default /proc/sys/kernel/pid_max
constexpr i32 RESERVED_PIDS = 300;  // where allocation restarts after wrapping

// A new process in the table with a fresh pid, child of `parent` (0: none,
// the first process, which gets pid 1), in its parent's process group and
// session. NoMemory; WouldBlock when no pid is free.
klib::Result<klib::Arc<Process>> new_process(i32 parent);
// Removes a process that never ran (a fork that failed after new_process).
void discard_process(i32 pid);
// A fresh thread id in thread group `pid` (WouldBlock: none free;
// NoMemory), and its release.
klib::Result<i32> new_tid(i32 pid);
// The thread group (pid) of thread or process `id`; 0 when none.
i32 group_of(i32 id);
void release_tid(i32 tid);

// The thread registry (Linux's find_task_by_vpid for tids). A group
// leader is found by its pid for as long as its process is in the table
// (zombie included, as Linux keeps a zombie leader); another thread from
// its start until its exit.
struct ThreadRef {
    klib::Arc<Process> proc; // its thread group
    klib::Arc<ThreadLink> link;
};
// Records `link` as thread `tid`'s (a pid: the group leader; else a tid
// from new_tid). Called before the thread runs; never fails.
void link_thread(i32 tid, klib::Arc<ThreadLink> link);
klib::Optional<ThreadRef> find_thread(i32 tid);
// The links of the live threads of process `pid` other than `except`
// (exit_group and exec kill them). NoMemory.
klib::Result<klib::Vec<klib::Arc<ThreadLink>>> other_threads(i32 pid, i32 except);
// Linux's de_thread: thread `tid` of process `pid` becomes its leader,
// with the pid as its tid; its own tid is released.
void take_leadership(i32 pid, i32 tid);

klib::Optional<klib::Arc<Process>> find(i32 pid);
// The parent's pid (0 for pid 1 or an unknown pid).
i32 parent_of(i32 pid);
// Number of processes in the table (zombies included).
usize process_count();

// Marks `pid` a zombie with wait status `status`: its children go to pid
// 1, its parent's waiters are woken, and so are the process's own.
void make_zombie(i32 pid, i32 status);
// `pid` stopped or continued (code CLD_STOPPED or CLD_CONTINUED, status the
// signal): its parent gets SIGCHLD unless it set SA_NOCLDSTOP or ignores
// SIGCHLD, and its waiters wake (Linux's do_notify_parent_cldstop).
void notify_parent_jobctl(i32 pid, i32 code, i32 status);
bool is_zombie(i32 pid);

// wait4's view of the children of `parent`: which ones.
struct WaitTarget {
    enum Kind : u8 { Any, Pid, OwnGroup, Group } kind = Any;
    i32 id = 0; // the pid or the process group
    // wait4's convention: > 0 that pid, -1 any, 0 the caller's process
    // group, < -1 the group -pid.
    static WaitTarget from_wait4(i32 pid) {
        if (pid > 0) {
            return {Pid, pid};
        }
        if (pid == -1) {
            return {Any, 0};
        }
        if (pid == 0) {
            return {OwnGroup, 0};
        }
        return {Group, -pid};
    }
};
enum class WaitOutcome : u8 { Found, NotYet, NoChild };
struct WaitResult {
    WaitOutcome outcome = WaitOutcome::NoChild;
    i32 pid = 0;
    i32 status = 0;
    CpuTimes usage; // a reaped child's times with its children's (wait4's rusage)
};
// Which children a wait considers: exited ones (WEXITED), stopped ones
// (WUNTRACED/WSTOPPED), continued ones (WCONTINUED), and by exit signal
// (__WALL: all; __WCLONE: those not signalling SIGCHLD).
struct WaitFilter {
    bool exited = true;
    bool stopped = false;
    bool continued = false;
    bool all = false;
    bool clone_only = false;
};
// Wait statuses of a stop (WIFSTOPPED, the signal in bits 8-15) and a
// continue (WIFCONTINUED).
constexpr i32 stopped_status(i32 sig) {
    return (sig << 8) | 0x7f;
}
constexpr i32 CONTINUED_STATUS = 0xffff;
// Finds a child matching `which` with something to report, in Linux's
// order (exit, stop, continue; children in creation order); with `reap`,
// the report is consumed: a zombie is removed, a stop or continue is
// reported once (a reaped zombie's times go to the parent's children
// times, accounting.h).
WaitResult wait_child(i32 parent, WaitTarget which, bool reap, WaitFilter f = {});
// The signal `pid` sends its parent at exit (clone's exit_signal).
void set_exit_signal(i32 pid, u32 sig);
// PR_SET_CHILD_SUBREAPER: orphaned descendants come to `pid`.
void set_subreaper(i32 pid, bool on);
bool is_subreaper(i32 pid);

// Process groups and sessions (Linux's setpgid/setsid rules). Errors as
// errno numbers: EINVAL, ESRCH, EPERM, EACCES.
i32 getpgid(i32 pid); // 0 when pid is unknown
i32 getsid(i32 pid);  // 0 when pid is unknown
// 0 or a negative errno.
i64 setpgid(i32 caller, i32 pid, i32 pgid);
// The new session id, or a negative errno.
i64 setsid(i32 caller);

// The processes kill(2) reaches with `which` from `caller`: > 0 that pid,
// 0 the caller's group, -1 all but pid 1 and the caller, < -1 group
// -which (zombies included: a signal to one is accepted and lost).
klib::Result<klib::Vec<klib::Arc<Process>>> signal_targets(i32 which, i32 caller);

} // namespace services::process

namespace services::process {
// execve succeeded in `pid` (setpgid on it from its parent gives EACCES).
void mark_execed(i32 pid);
} // namespace services::process

namespace services::process {
// The session of process group `pgrp` (any live member's); none when no
// process is in that group (TIOCSPGRP's ESRCH).
klib::Optional<i32> session_of_pgrp(i32 pgrp);
// Linux's will_become_orphaned_pgrp: no member has a parent (other than
// init) in another process group of the same session.
bool pgrp_orphaned(i32 pgrp);
} // namespace services::process
