// Identity, clocks, limits, randomness, and the calls a C library makes at
// start-up.
#include "../process/proc_view.h"
#include "syscall.h"
#include "user_mem.h"
#include "../process/table.h"
#include "../random/random.h"
#include <keel/task.h>
#include <keel/time.h>
#include <keel/user.h>

namespace services::syscall {

namespace {

constexpr usize UTS_LEN = 65;
constexpr u64 CLOCK_TAI = 11;
constexpr u64 GRND_NONBLOCK = 1;
constexpr u64 GRND_RANDOM = 2;
constexpr u64 GRND_INSECURE = 4;
constexpr u64 MAX_RW = 0x7ffff000;
constexpr u64 USER_TOP = 0x7ffffffff000; // TASK_SIZE_MAX

klib::Result<void> uts_field(OutBuffer& b, klib::StringView s) {
    TRY(b.text(s));
    return b.zeros(UTS_LEN - s.size());
}

} // namespace

SysResult sys_uname(process::Thread& t, const Args& args) {
    OutBuffer b;
    if (uts_field(b, "Linux").is_err() || uts_field(b, "(none)").is_err() ||
        uts_field(b, "6.1.0-keel").is_err() || uts_field(b, "#1 Keel").is_err() ||
        uts_field(b, "x86_64").is_err() || uts_field(b, "(none)").is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(t, args.a[0]));
    return u64(0);
}

SysResult sys_getppid(process::Thread& t, const Args&) {
    return u64(process::parent_of(t.pid())); // 0 for init: its parent is the kernel
}
SysResult sys_gettid(process::Thread& t, const Args&) {
    return u64(t.tid);
}
SysResult sys_sched_yield(process::Thread&, const Args&) {
    keel::yield_now();
    return u64(0);
}

SysResult sys_clock_gettime(process::Thread& t, const Args& args) {
    // No wall clock yet: CLOCK_REALTIME counts from the epoch at boot.
    if (args.a[0] > CLOCK_TAI || args.a[0] == 8 || args.a[0] == 9 || args.a[0] == 10) {
        return Errno::EINVAL;
    }
    const u64 ns = keel::monotonic_ns();
    // struct timespec, written in one copy (no heap on this hot path).
    const klib::Array<u64, 2> ts = {ns / 1000000000, ns % 1000000000};
    TRY_SYS(t.space->write_val(args.a[1], ts));
    return u64(0);
}

// getcpu(cpu, node, unused): the CPU this call runs on, node 0.
SysResult sys_getcpu(process::Thread& t, const Args& args) {
    if (args.a[0] != 0) {
        TRY_SYS(t.space->write_val<u32>(args.a[0], keel::current_cpu()));
    }
    if (args.a[1] != 0) {
        TRY_SYS(t.space->write_val<u32>(args.a[1], 0));
    }
    return u64(0);
}

SysResult sys_time(process::Thread& t, const Args& args) {
    const u64 secs = keel::monotonic_ns() / 1000000000;
    if (args.a[0] != 0) {
        TRY_SYS(t.space->write_val(args.a[0], secs));
    }
    return secs;
}

SysResult sys_prctl(process::Thread& t, const Args& args) {
    constexpr u64 PR_SET_NAME = 15;
    constexpr u64 PR_GET_NAME = 16;
    constexpr u64 PR_SET_CHILD_SUBREAPER = 36;
    constexpr u64 PR_GET_CHILD_SUBREAPER = 37;
    switch (args.a[0]) {
    case PR_SET_NAME: {
        // The name is at most 15 bytes plus NUL; longer ones are cut.
        klib::Array<u8, 16> name{};
        for (usize i = 0; i < 15; ++i) {
            const u8 c = TRY_SYS(t.space->read_val<u8>(args.a[1] + i));
            if (c == 0) {
                break;
            }
            name[i] = c;
        }
        t.comm = name;
        process::refresh_thread(t); // /proc/PID/comm
        return u64(0);
    }
    case PR_SET_CHILD_SUBREAPER:
        process::set_subreaper(t.pid(), args.a[1] != 0);
        return u64(0);
    case PR_GET_CHILD_SUBREAPER:
        TRY_SYS(t.space->write_val<i32>(args.a[1], process::is_subreaper(t.pid()) ? 1 : 0));
        return u64(0);
    case PR_GET_NAME:
        TRY_SYS(t.space->write_bytes(args.a[1], t.comm.span()));
        return u64(0);
    default:
        return Errno::EINVAL;
    }
}

SysResult sys_clock_getres(process::Thread& t, const Args& args) {
    if (args.a[0] > CLOCK_TAI || args.a[0] == 8 || args.a[0] == 9 || args.a[0] == 10) {
        return Errno::EINVAL;
    }
    if (args.a[1] == 0) {
        return u64(0);
    }
    OutBuffer b;
    if (b.u64_(0).is_err() || b.u64_(1).is_err()) {
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(t, args.a[1]));
    return u64(0);
}

SysResult sys_set_robust_list(process::Thread& t, const Args& args) {
    if (args.a[1] != 24) { // sizeof(struct robust_list_head)
        return Errno::EINVAL;
    }
    t.robust_list = args.a[0]; // walked when the thread exits (process/exit.cpp)
    return u64(0);
}

SysResult sys_rseq(process::Thread&, const Args&) {
    return Errno::ENOSYS; // restartable sequences: not supported (libc copes)
}

SysResult sys_getrandom(process::Thread& t, const Args& args) {
    const u64 flags = args.a[2];
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0 ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
        return Errno::EINVAL;
    }
    // The generator is seeded before its first output (random::fill), so
    // it is always "ready": GRND_NONBLOCK never sees EAGAIN, nothing waits.
    const u64 buf = args.a[0];
    const u64 len = args.a[1] > MAX_RW ? MAX_RW : args.a[1];
    if (buf > USER_TOP || len > USER_TOP - buf) { // access_ok
        return Errno::EFAULT;
    }
    // 256-byte pieces that never cross a page, so a fault stops the copy
    // exactly at the first unwritable page (Linux returns what it copied).
    u64 done = 0;
    while (done < len) {
        const u64 at = buf + done;
        const u64 to_page = 4096 - (at & 4095);
        const u64 n = klib::min(klib::min(len - done, u64(256)), to_page);
        klib::Array<u8, 256> chunk{};
        random::fill(chunk.span().first(usize(n)));
        if (t.space->write_bytes(at, chunk.span().first(usize(n))).is_err()) {
            if (done > 0) {
                return done;
            }
            return Errno::EFAULT;
        }
        done += n;
    }
    return len;
}

namespace {

// sched_*affinity's pid: 0 the caller, else any thread by tid (ESRCH).
bool thread_exists(const process::Thread& t, i32 pid) {
    return pid == 0 || pid == t.tid || process::find_thread(pid).has_value();
}

} // namespace

SysResult sys_sched_getaffinity(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 len = args.a[1];
    if (len < 8 || (len & 7) != 0) {
        return Errno::EINVAL;
    }
    if (!thread_exists(t, pid)) {
        return Errno::ESRCH;
    }
    OutBuffer b;
    if (b.u64_(1).is_err()) { // CPU 0 only
        return Errno::ENOMEM;
    }
    TRY(b.copy_out(t, args.a[2]));
    return u64(8);
}

// One CPU: a mask must contain CPU 0 (EINVAL otherwise, as Linux when
// it meets no active CPU); the thread runs there either way.
SysResult sys_sched_setaffinity(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 len = args.a[1];
    klib::Array<u8, 8> mask{};
    if (len >= 1) { // a shorter mask than the kernel's: the rest is clear
        TRY_SYS(t.space->read_bytes(args.a[2], mask.span().subspan(0, usize(len < 8 ? len : 8))));
    }
    if (!thread_exists(t, pid)) {
        return Errno::ESRCH;
    }
    if ((mask[0] & 1) == 0) {
        return Errno::EINVAL;
    }
    return u64(0);
}

} // namespace services::syscall
