// fork, vfork, clone, clone3: the checks of Linux's kernel_clone and
// copy_process, in its order; the work is process::clone.
#include "../process/fork.h"
#include "syscall.h"

namespace services::syscall {

namespace {

using namespace process;

constexpr u64 CSIGNAL = 0xff;
constexpr u64 SIGCHLD = 17;
constexpr u64 NSIG_MAX = 64;
constexpr u64 CLONE_NEWTIME = 0x80;
constexpr u64 CLONE_NEWUSER = 0x10000000;
constexpr u64 CLONE_NEWPID = 0x20000000;
constexpr u64 CLONE_INTO_CGROUP = 0x200000000ull;
// What this kernel does (namespaces and pidfds it does not).
constexpr u64 SUPPORTED = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE |
                          CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM |
                          CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |
                          CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO |
                          CLONE_CLEAR_SIGHAND;
constexpr u64 LEGACY_FLAGS = 0xffffffffull;

SysResult errno_of(klib::Error e) {
    switch (e) {
    case klib::Error::WouldBlock:
        return Errno::EAGAIN;
    case klib::Error::NoMemory:
        return Errno::ENOMEM;
    case klib::Error::Fault:
        return Errno::EFAULT;
    default:
        return to_errno(e);
    }
}

// copy_process's flag checks, then the clone.
SysResult do_clone(Thread& t, const CloneArgs& a) {
    const u64 f = a.flags;
    if ((f & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS) ||
        (f & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS)) {
        return Errno::EINVAL;
    }
    if ((f & CLONE_THREAD) != 0 && (f & CLONE_SIGHAND) == 0) {
        return Errno::EINVAL;
    }
    if ((f & CLONE_SIGHAND) != 0 && (f & CLONE_VM) == 0) {
        return Errno::EINVAL;
    }
    // Init may not make siblings (SIGNAL_UNKILLABLE).
    if ((f & CLONE_PARENT) != 0 && t.pid() == 1) {
        return Errno::EINVAL;
    }
    if ((f & CLONE_THREAD) != 0 && (f & (CLONE_NEWUSER | CLONE_NEWPID)) != 0) {
        return Errno::EINVAL;
    }
    if ((f & CLONE_PIDFD) != 0 && (f & (CLONE_DETACHED | CLONE_THREAD)) != 0) {
        return Errno::EINVAL;
    }
    if ((f & ~SUPPORTED) != 0) {
        return Errno::EINVAL; // namespaces, pidfds, cgroups: not in this kernel
    }
    auto r = process::clone(t, a);
    if (r.is_err()) {
        return errno_of(r.error());
    }
    return u64(r.value());
}

} // namespace

SysResult sys_fork(process::Thread& t, const Args&) {
    CloneArgs a;
    a.exit_signal = u32(SIGCHLD);
    return do_clone(t, a);
}

SysResult sys_vfork(process::Thread& t, const Args&) {
    CloneArgs a;
    a.flags = CLONE_VFORK | CLONE_VM;
    a.exit_signal = u32(SIGCHLD);
    return do_clone(t, a);
}

// clone(flags, newsp, parent_tid, child_tid, tls) (x86-64 order).
SysResult sys_clone(process::Thread& t, const Args& args) {
    CloneArgs a;
    a.flags = args.a[0] & ~CSIGNAL & LEGACY_FLAGS;
    a.exit_signal = u32(args.a[0] & CSIGNAL);
    a.stack = args.a[1];
    a.parent_tid = args.a[2];
    a.child_tid = args.a[3];
    a.tls = args.a[4];
    if ((a.flags & CLONE_PIDFD) != 0 && (a.flags & CLONE_PARENT_SETTID) != 0) {
        return Errno::EINVAL; // legacy clone: the pidfd goes to parent_tid
    }
    return do_clone(t, a);
}

// clone3(struct clone_args *, size).
SysResult sys_clone3(process::Thread& t, const Args& args) {
    constexpr u64 VER0 = 64; // CLONE_ARGS_SIZE_VER0
    constexpr u64 VER2 = 88;
    constexpr u64 PAGE = 4096;
    const u64 size = args.a[1];
    if (size > PAGE) {
        return Errno::E2BIG;
    }
    if (size < VER0) {
        return Errno::EINVAL;
    }
    // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal,
    // stack, stack_size, tls, set_tid, set_tid_size, cgroup.
    klib::Array<u64, 11> v{};
    const u64 known = size < 88 ? size : 88;
    for (u64 i = 0; i * 8 < known; ++i) {
        v[usize(i)] = TRY_SYS(t.space->read_val<u64>(args.a[0] + i * 8));
    }
    // Bytes past the fields this kernel knows must be zero (E2BIG).
    for (u64 off = known; off < size; ++off) {
        if (TRY_SYS(t.space->read_val<u8>(args.a[0] + off)) != 0) {
            return Errno::E2BIG;
        }
    }
    const u64 flags = v[0];
    const u64 exit_signal = v[4];
    const u64 stack = v[5];
    const u64 stack_size = v[6];
    const u64 set_tid = v[8];
    const u64 set_tid_size = v[9];
    if (set_tid_size > 32) { // MAX_PID_NS_LEVEL
        return Errno::EINVAL;
    }
    if ((set_tid == 0) != (set_tid_size == 0)) {
        return Errno::EINVAL;
    }
    if ((exit_signal & ~CSIGNAL) != 0 || exit_signal > NSIG_MAX) {
        return Errno::EINVAL;
    }
    if ((flags & CLONE_INTO_CGROUP) != 0 && (v[10] > 0x7fffffff || size < VER2)) {
        return Errno::EINVAL;
    }
    // clone3_args_valid.
    if ((flags & ~(LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) != 0 ||
        (flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME))) != 0 ||
        (flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND) ||
        ((flags & (CLONE_THREAD | CLONE_PARENT)) != 0 && exit_signal != 0) ||
        (stack == 0) != (stack_size == 0)) {
        return Errno::EINVAL;
    }
    if (set_tid != 0) {
        return Errno::EINVAL; // choosing pids needs CAP_SYS_ADMIN in a pid namespace
    }
    CloneArgs a;
    a.flags = flags;
    a.exit_signal = u32(exit_signal);
    a.child_tid = v[2];
    a.parent_tid = v[3];
    a.stack = stack == 0 ? 0 : stack + stack_size;
    a.tls = v[7];
    return do_clone(t, a);
}

} // namespace services::syscall
