// futex(2): the argument decoding and checks of Linux's sys_futex and
// do_futex; the waiting and waking is process/futex.cpp.
#include "../process/futex.h"
#include "syscall.h"

#include <keel/time.h>

namespace services::syscall {

namespace {

constexpr u64 FUTEX_WAIT = 0;
constexpr u64 FUTEX_WAKE = 1;
constexpr u64 FUTEX_REQUEUE = 3;
constexpr u64 FUTEX_CMP_REQUEUE = 4;
constexpr u64 FUTEX_WAIT_BITSET = 9;
constexpr u64 FUTEX_WAKE_BITSET = 10;
constexpr u64 FUTEX_WAIT_REQUEUE_PI = 11;
constexpr u64 FUTEX_LOCK_PI2 = 13;
constexpr u64 FUTEX_PRIVATE_FLAG = 128;
constexpr u64 FUTEX_CLOCK_REALTIME = 256;
constexpr u64 FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
constexpr u64 NSEC = 1000000000;

// The deadline (monotonic ns) of a wait: `utime` is relative for
// FUTEX_WAIT, absolute for FUTEX_WAIT_BITSET (every clock is the same
// clock in this kernel). EFAULT, EINVAL (not a valid timespec).
klib::Result<u64, Errno> deadline_of(const process::Thread& t, u64 cmd, u64 utime) {
    using Timespec = klib::Array<u64, 2>;
    const Timespec ts = TRY_SYS(t.space->read_val<Timespec>(utime));
    if (i64(ts[0]) < 0 || ts[1] >= NSEC) {
        return Errno::EINVAL;
    }
    constexpr u64 MAX_S = (u64(1) << 62) / NSEC;
    const u64 ns = ts[0] > MAX_S ? u64(1) << 62 : ts[0] * NSEC + ts[1];
    return cmd == FUTEX_WAIT ? keel::monotonic_ns() + ns : ns;
}

} // namespace

// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
SysResult sys_futex(process::Thread& t, const Args& args) {
    const u64 uaddr = args.a[0];
    const u64 op = args.a[1];
    const u32 val = u32(args.a[2]);
    const u64 utime = args.a[3];
    const u64 uaddr2 = args.a[4];
    const u32 val3 = u32(args.a[5]);
    const u64 cmd = op & FUTEX_CMD_MASK;
    const bool priv = (op & FUTEX_PRIVATE_FLAG) != 0;
    if ((op & FUTEX_CLOCK_REALTIME) != 0 && cmd != FUTEX_WAIT_BITSET &&
        cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2) {
        return Errno::ENOSYS;
    }
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        klib::Optional<u64> deadline;
        if (utime != 0) {
            deadline = TRY(deadline_of(t, cmd, utime));
        }
        const u32 bitset = cmd == FUTEX_WAIT ? process::FUTEX_BITSET_MATCH_ANY : val3;
        return process::futex_wait(t, uaddr, val, deadline, bitset, priv);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        const u32 bitset = cmd == FUTEX_WAKE ? process::FUTEX_BITSET_MATCH_ANY : val3;
        return process::futex_wake(t, uaddr, i32(val), bitset, priv);
    }
    case FUTEX_REQUEUE:
        return process::futex_requeue(t, uaddr, uaddr2, i32(val), i32(u32(utime)), klib::none,
                                      priv);
    case FUTEX_CMP_REQUEUE:
        return process::futex_requeue(t, uaddr, uaddr2, i32(val), i32(u32(utime)), val3, priv);
    default:
        return Errno::ENOSYS; // WAKE_OP and the priority-inheritance family
    }
}

} // namespace services::syscall
