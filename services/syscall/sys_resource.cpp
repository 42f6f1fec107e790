// Resource limits and usage: getrlimit, setrlimit, prlimit64, getrusage,
// times. The limits and their rules are services/process/rlimit.h; the
// times come from services/process/accounting.h.
#include "../process/accounting.h"
#include "../process/proc_view.h"
#include "../process/table.h"
#include "rusage.h"
#include "syscall.h"
#include <keel/boot.h>
#include <keel/mm/frame.h>
#include <keel/time.h>

namespace services::syscall {

namespace {

using process::Rlimit;
using RlimitWords = klib::Array<u64, 2>; // struct rlimit64 {cur, max}

bool privileged(const process::Thread& t) {
    auto ctx = t.vfs->get();
    return ctx.is_err() || ctx.value().cred.capable(); // no file system: a kernel test, root
}

// check_prlimit_permission: the caller's real uid and gid equal to all of
// the target's uids and gids, or CAP_SYS_RESOURCE.
klib::Result<void, Errno> may_prlimit(const process::Thread& t, i32 pid) {
    auto ctx = t.vfs->get();
    if (ctx.is_err()) {
        return {};
    }
    const fs::Cred& me = ctx.value().cred;
    klib::Optional<fs::Cred> other = process::credentials_of(pid);
    if (!other.has_value()) {
        return {}; // a zombie: its limits no longer matter
    }
    const fs::Cred& o = other.value();
    const bool ids = me.uid == o.euid && me.uid == o.suid && me.uid == o.uid && me.gid == o.egid &&
                     me.gid == o.sgid && me.gid == o.gid;
    if (!ids && !me.capable()) {
        return Errno::EPERM;
    }
    return {};
}

// do_prlimit on process `p` (the caller's own when `self`): the old value
// to `old_addr` (if any) after the new one (if any) is set.
SysResult do_prlimit(const process::Thread& t, const process::Process& p, bool self, u64 resource,
                     klib::Optional<Rlimit> fresh, u64 old_addr) {
    if (resource >= process::RLIM_NLIMITS) {
        return Errno::EINVAL;
    }
    const usize r = usize(resource);
    const bool priv = fresh.has_value() && privileged(t);
    Rlimit old;
    klib::Result<void, Errno> set_ok = p.state.with([&](process::ProcState& s) -> klib::Result<void, Errno> {
        old = s.res.limits.get(r);
        if (fresh.has_value()) {
            TRY(s.res.limits.set(r, fresh.value(), priv));
        }
        return {};
    });
    TRY(set_ok);
    if (fresh.has_value() && r == process::RLIMIT_NOFILE) {
        // The fd table enforces it (EMFILE, dup2's EBADF).
        if (self) {
            t.files->set_limit(fresh.value().cur, fresh.value().max);
        } else if (auto f = process::files_of(p.pid); f.has_value()) {
            f.value()->set_limit(fresh.value().cur, fresh.value().max);
        }
    }
    if (old_addr != 0) {
        const RlimitWords w = {old.cur, old.max};
        TRY_SYS(t.space->write_val(old_addr, w));
    }
    return u64(0);
}

constexpr u64 NS_PER_TICK = 10000000; // USER_HZ = 100

u64 ticks(u64 ns) {
    return ns / NS_PER_TICK;
}

} // namespace

klib::Result<void, Errno> copy_rusage(const process::Thread& t, u64 addr, const process::CpuTimes& c,
                                      u64 maxrss_kb) {
    klib::Array<u64, 18> w{};
    w[0] = c.user_ns / 1000000000;
    w[1] = c.user_ns % 1000000000 / 1000;
    w[2] = c.system_ns / 1000000000;
    w[3] = c.system_ns % 1000000000 / 1000;
    w[4] = maxrss_kb;
    TRY_SYS(t.space->write_val(addr, w));
    return {};
}

// getrlimit(resource, rlim) (x86-64's struct rlimit is struct rlimit64).
SysResult sys_getrlimit(process::Thread& t, const Args& args) {
    if (args.a[0] >= process::RLIM_NLIMITS) {
        return Errno::EINVAL;
    }
    return do_prlimit(t, *t.proc, true, args.a[0], klib::none, args.a[1]);
}

// setrlimit(resource, rlim): the value is read first (EFAULT).
SysResult sys_setrlimit(process::Thread& t, const Args& args) {
    const RlimitWords w = TRY_SYS(t.space->read_val<RlimitWords>(args.a[1]));
    return do_prlimit(t, *t.proc, true, args.a[0], Rlimit{w[0], w[1]}, 0);
}

// prlimit64(pid, resource, new, old): new read (EFAULT), the target found
// (ESRCH), the permission (EPERM), then do_prlimit.
SysResult sys_prlimit64(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    klib::Optional<Rlimit> fresh;
    if (args.a[2] != 0) {
        const RlimitWords w = TRY_SYS(t.space->read_val<RlimitWords>(args.a[2]));
        fresh = Rlimit{w[0], w[1]};
    }
    if (pid == 0 || pid == t.pid()) {
        return do_prlimit(t, *t.proc, true, args.a[1], fresh, args.a[3]);
    }
    // A thread id names its process (find_task_by_vpid).
    const i32 group = pid > 0 ? process::group_of(pid) : 0;
    klib::Optional<klib::Arc<process::Process>> p = group > 0 ? process::find(group) : klib::none;
    if (!p.has_value()) {
        return Errno::ESRCH;
    }
    if (group == t.pid()) {
        return do_prlimit(t, *t.proc, true, args.a[1], fresh, args.a[3]);
    }
    TRY(may_prlimit(t, group));
    return do_prlimit(t, *p.value(), false, args.a[1], fresh, args.a[3]);
}

// getrusage(who, usage): RUSAGE_SELF (0), RUSAGE_CHILDREN (-1),
// RUSAGE_THREAD (1).
SysResult sys_getrusage(process::Thread& t, const Args& args) {
    const i32 who = i32(u32(args.a[0]));
    process::CpuTimes c;
    u64 rss_kb = 0;
    switch (who) {
    case 0:
        c = process::process_times(*t.proc);
        rss_kb = t.space->resident_pages() * 4;
        break;
    case -1:
        c = process::children_times(*t.proc);
        break;
    case 1:
        c = process::thread_times();
        rss_kb = t.space->resident_pages() * 4;
        break;
    default:
        return Errno::EINVAL;
    }
    TRY(copy_rusage(t, args.a[1], c, rss_kb));
    return u64(0);
}

// times(buf): the process's and its reaped children's times in clock
// ticks (USER_HZ); returns the ticks since boot, counted as Linux from
// INITIAL_JIFFIES (300 s before wrapping 32 bits) so no value is -1.
SysResult sys_times(process::Thread& t, const Args& args) {
    if (args.a[0] != 0) {
        const process::CpuTimes self = process::process_times(*t.proc);
        const process::CpuTimes kids = process::children_times(*t.proc);
        const klib::Array<u64, 4> tms = {ticks(self.user_ns), ticks(self.system_ns), ticks(kids.user_ns),
                                         ticks(kids.system_ns)};
        TRY_SYS(t.space->write_val(args.a[0], tms));
    }
    constexpr u64 INITIAL_TICKS = u64(u32(-300 * 100));
    return INITIAL_TICKS + ticks(keel::monotonic_ns());
}

// sysinfo(info): uptime, memory in bytes (mem_unit 1), the number of
// processes; no load average is kept (0), no swap.
SysResult sys_sysinfo(process::Thread& t, const Args& args) {
    klib::Array<u64, 14> w{}; // struct sysinfo: 112 bytes
    w[0] = keel::monotonic_ns() / 1000000000;
    w[4] = keel::boot_usable_memory();
    w[5] = keel::Frame::free_bytes();
    const usize n = process::process_count();
    w[10] = u64(n > 0xffff ? 0xffff : n); // procs (unsigned short)
    w[13] = 1;                            // mem_unit
    TRY_SYS(t.space->write_val(args.a[0], w));
    return u64(0);
}

} // namespace services::syscall
