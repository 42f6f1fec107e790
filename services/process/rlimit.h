// Resource limits and accounting, per process (Linux's signal->rlim,
// ucounts and the cputime fields of signal_struct): the limits with the
// rules setrlimit/prlimit apply, the per-user task count RLIMIT_NPROC
// bounds, and the CPU times getrusage, times and wait4 report. ProcState
// embeds one Resources; the limits are inherited by fork and kept by exec.
#pragma once

#include "../fs/fd_table.h"
#include "../fs/write_access.h"
#include "../syscall/errno.h"
#include <klib/array.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>

namespace services::process {

// A resource limit {soft, hard} (struct rlimit64).
struct Rlimit {
    u64 cur = 0;
    u64 max = 0;
};
constexpr usize RLIM_NLIMITS = 16;
constexpr u64 RLIM_INFINITY = ~u64(0);
constexpr usize RLIMIT_CPU = 0;
constexpr usize RLIMIT_FSIZE = 1;
constexpr usize RLIMIT_DATA = 2;
constexpr usize RLIMIT_STACK = 3;
constexpr usize RLIMIT_CORE = 4;
constexpr usize RLIMIT_NPROC = 6;
constexpr usize RLIMIT_NOFILE = 7;
constexpr usize RLIMIT_MEMLOCK = 8;
constexpr usize RLIMIT_AS = 9;
constexpr usize RLIMIT_SIGPENDING = 11;

class Rlimits {
public:
    // Linux's limits for init (INIT_RLIMITS with the boot-time NPROC and
    // SIGPENDING of a machine of MAX_THREADS threads).
    Rlimits();
    // r < RLIM_NLIMITS (the caller checks: EINVAL).
    Rlimit get(usize r) const { return lim_[r]; }
    u64 cur(usize r) const { return lim_[r].cur; }
    // do_prlimit's rules for a new value of limit r < RLIM_NLIMITS: EINVAL
    // soft above hard; EPERM for an RLIMIT_NOFILE hard limit above
    // NR_OPEN; EPERM raising a hard limit without CAP_SYS_RESOURCE
    // (`privileged`). Nothing changes on error.
    klib::Result<void, syscall::Errno> set(usize r, Rlimit v, bool privileged);

private:
    klib::Array<Rlimit, RLIM_NLIMITS> lim_;
};

// CPU time in nanoseconds, in user mode and in the kernel.
struct CpuTimes {
    u64 user_ns = 0;
    u64 system_ns = 0;
    void add(const CpuTimes& o) {
        user_ns += o.user_ns;
        system_ns += o.system_ns;
    }
};

// A process's resource records, under ProcState's lock.
struct Resources {
    Rlimits limits;
    u32 nproc_uid = 0;     // the real uid its tasks are counted for (RLIMIT_NPROC)
    u32 nproc_charged = 0; // how many of its tasks are counted there
    CpuTimes dead;         // its threads that ended
    CpuTimes children;     // its reaped children (with their reaped children)
    // Its program image's file may not be written while it runs (Linux's
    // deny_write_access on mm->exe_file: ETXTBSY).
    klib::Optional<fs::WriteGuard> image;
};

// RLIMIT_NPROC (Linux's per-user task count, threads included): counts a
// new task for real uid `uid`. Fails (WouldBlock, nothing counted) when the
// count would exceed `limit` and the creator is not `exempt` (real uid 0,
// CAP_SYS_RESOURCE or CAP_SYS_ADMIN: copy_process's rule); NoMemory.
klib::Result<void> nproc_charge(u32 uid, u64 limit, bool exempt);
// Counts `n` tasks of `uid` out (a task released, a charge moved).
void nproc_uncharge(u32 uid, u32 n);
// The number of tasks counted for `uid`.
u64 nproc_count(u32 uid);

} // namespace services::process
