// Signals: dispositions, masks, sending, waiting, sigreturn, altstack.
// The machinery (pending sets, frames, delivery) is services/signal.
#include "../signal/deliver.h"
#include "syscall.h"
#include <keel/time.h>

namespace services::syscall {

namespace {

using Pair = klib::Array<u64, 2>;
using Quad = klib::Array<u64, 4>;

using namespace signal;

constexpr u64 SIGSET_SIZE = 8;
constexpr u64 SIG_BLOCK = 0;
constexpr u64 SIG_UNBLOCK = 1;
constexpr u64 SIG_SETMASK = 2;
// sa_flags Linux keeps (UAPI_SA_FLAGS on x86-64); the rest read back as 0.
constexpr u64 UAPI_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK |
                              SA_RESTART | SA_NODEFER | SA_RESETHAND | 0x800 | SA_RESTORER;

// The signal sent to the calling process itself (kill(getpid()), raise).
void send_self(process::Process& p, const SigInfo& info, bool thread) {
    send(*p.signals.shared.value(), thread ? *p.thread_sig.inbox.value() : *p.signals.shared.value(), info);
}

bool sig_ok(u64 sig) {
    return sig <= u64(NSIG); // 0: existence check only
}

} // namespace

SysResult sys_rt_sigaction(process::Process& p, const Args& args) {
    const u64 sig = args.a[0];
    const u64 act = args.a[1];
    const u64 oact = args.a[2];
    if (args.a[3] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    // struct kernel_sigaction {handler, flags, restorer, mask}: one copy
    // each way, no heap; Linux reads act before it checks the signal.
    SigAction fresh;
    if (act != 0) {
        using KSigaction = klib::Array<u64, 4>;
        const KSigaction in = TRY_SYS(p.space.read_val<KSigaction>(act));
        fresh.handler = in[0];
        fresh.flags = in[1] & UAPI_SA_FLAGS;
        fresh.restorer = in[2];
        fresh.mask = in[3] & ~UNBLOCKABLE;
    }
    const i32 s = i32(sig);
    if (sig < 1 || sig > u64(NSIG) || (act != 0 && (s == SIGKILL || s == SIGSTOP))) {
        return Errno::EINVAL;
    }
    const SigAction old = p.signals.handlers.get(s);
    if (act != 0) {
        p.signals.handlers.set(s, fresh);
        // POSIX: setting a disposition to ignore discards the pending
        // instances, in the process and its threads.
        if (p.signals.handlers.ignores(s)) {
            (*p.signals.shared.value()).discard(bit(s));
            (*p.thread_sig.inbox.value()).discard(bit(s));
        }
    }
    if (oact != 0) {
        const klib::Array<u64, 4> out = {old.handler, old.flags, old.restorer, old.mask};
        TRY_SYS(p.space.write_val(oact, out));
    }
    return u64(0);
}

SysResult sys_rt_sigprocmask(process::Process& p, const Args& args) {
    const u64 how = args.a[0];
    const u64 set = args.a[1];
    const u64 oset = args.a[2];
    if (args.a[3] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 old = p.thread_sig.mask;
    if (set != 0) {
        const u64 v = TRY_SYS(p.space.read_val<u64>(set)) & ~UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            p.thread_sig.mask |= v;
            break;
        case SIG_UNBLOCK:
            p.thread_sig.mask &= ~v;
            break;
        case SIG_SETMASK:
            p.thread_sig.mask = v;
            break;
        default:
            return Errno::EINVAL;
        }
    }
    if (oset != 0) {
        TRY_SYS(p.space.write_val(oset, old));
    }
    return u64(0);
}

SysResult sys_rt_sigpending(process::Process& p, const Args& args) {
    const u64 size = args.a[1];
    if (size > SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 pending =
        ((*p.thread_sig.inbox.value()).pending() | (*p.signals.shared.value()).pending()) & p.thread_sig.mask;
    klib::Array<u8, 8> bytes{};
    for (usize i = 0; i < 8; ++i) {
        bytes[i] = u8(pending >> (8 * i));
    }
    TRY_SYS(p.space.write_bytes(args.a[0], bytes.span().subspan(0, usize(size))));
    return u64(0);
}

SysResult sys_rt_sigreturn(process::Process& p, const Args&) {
    if (!sigreturn(p.signals, p.thread_sig, p.space, p.ctx)) {
        // Linux's badframe: SIGSEGV, fatal if blocked or ignored.
        force_fault(p.signals, p.thread_sig, p.space, p.ctx, SigInfo(SIGSEGV, SI_KERNEL));
        p.thread_sig.syscall_nr = -1;
        return p.ctx.regs.rax;
    }
    return p.ctx.regs.rax; // the interrupted code's rax, restored
}

SysResult sys_sigaltstack(process::Process& p, const Args& args) {
    const u64 uss = args.a[0];
    const u64 uoss = args.a[1];
    const u64 rsp = p.ctx.regs.rsp;
    AltStack& as = p.thread_sig.altstack;
    // stack_t {ss_sp, ss_flags (int, padded), ss_size}
    using StackT = klib::Array<u64, 3>;
    const StackT old = {as.sp, u64(as.state_at(rsp) | (as.flags & SS_AUTODISARM)), as.size};
    if (uss != 0) {
        const StackT in = TRY_SYS(p.space.read_val<StackT>(uss));
        const u32 err = as.change(rsp, in[0], u32(in[1]), in[2]);
        if (err != 0) {
            return Errno(err);
        }
    }
    if (uoss != 0) {
        TRY_SYS(p.space.write_val(uoss, old));
    }
    return u64(0);
}

SysResult sys_pause(process::Process& p, const Args&) {
    (void)(*p.signals.shared.value()).wait([&]() { return p.signals.interrupting(p.thread_sig); }, 0);
    return Errno::ERESTARTNOHAND;
}

SysResult sys_rt_sigsuspend(process::Process& p, const Args& args) {
    if (args.a[1] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 mask = TRY_SYS(p.space.read_val<u64>(args.a[0])) & ~UNBLOCKABLE;
    p.thread_sig.saved_mask = p.thread_sig.mask;
    p.thread_sig.mask = mask;
    (void)(*p.signals.shared.value()).wait([&]() { return p.signals.interrupting(p.thread_sig); }, 0);
    return Errno::ERESTARTNOHAND;
}

namespace {

// The first of `these` pending for the thread, else for the process.
klib::Optional<SigInfo> take_any(const process::Process& p, u64 these) {
    klib::Optional<SigInfo> i = (*p.thread_sig.inbox.value()).take(these);
    if (!i.has_value()) {
        i = (*p.signals.shared.value()).take(these);
    }
    return i;
}

} // namespace

SysResult sys_rt_sigtimedwait(process::Process& p, const Args& args) {
    const u64 uthese = args.a[0];
    const u64 uinfo = args.a[1];
    const u64 uts = args.a[2];
    if (args.a[3] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 these = TRY_SYS(p.space.read_val<u64>(uthese)) & ~UNBLOCKABLE;
    klib::Optional<u64> timeout;
    if (uts != 0) {
        const klib::Array<u64, 2> ts = TRY_SYS(p.space.read_val<Pair>(uts));
        if (i64(ts[0]) < 0 || ts[1] >= 1000000000) {
            return Errno::EINVAL;
        }
        const u64 max_sec = ~u64(0) / 1000000000 - 1;
        timeout = (ts[0] > max_sec ? max_sec : ts[0]) * 1000000000 + ts[1];
    }
    klib::Optional<SigInfo> got = take_any(p, these);
    bool interrupted = false;
    if (!got.has_value() && !(timeout.has_value() && timeout.value() == 0)) {
        // The awaited signals wake this wait even if blocked; the others
        // interrupt it as usual.
        const u64 saved = p.thread_sig.mask;
        p.thread_sig.mask &= ~these;
        interrupted = (*p.signals.shared.value())
                          .wait([&]() { return p.signals.interrupting(p.thread_sig); },
                                timeout.has_value() ? timeout.value() : 0);
        p.thread_sig.mask = saved;
        got = take_any(p, these);
    }
    if (!got.has_value()) {
        return interrupted ? Errno::EINTR : Errno::EAGAIN;
    }
    if (uinfo != 0) {
        TRY_SYS(p.space.write_val(uinfo, got.value().words()));
    }
    return u64(u32(got.value().signo()));
}

SysResult sys_kill(process::Process& p, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 sig = args.a[1];
    // Until other processes exist: the caller's own pid, its group (0),
    // and -1 (every process but init and the caller: none).
    if (pid == i32(0x80000000) || pid == -1) {
        return Errno::ESRCH;
    }
    if (pid != 0 && pid != p.pid && pid != -p.pid) {
        return Errno::ESRCH;
    }
    if (!sig_ok(sig)) {
        return Errno::EINVAL;
    }
    if (sig != 0) {
        send_self(p, SigInfo::user(i32(sig), SI_USER, p.pid, 0), false);
    }
    return u64(0);
}

namespace {

SysResult send_thread(process::Process& p, i32 tgid, i32 tid, u64 sig) {
    if (tid != p.pid || (tgid != -1 && tgid != p.pid)) {
        return Errno::ESRCH;
    }
    if (!sig_ok(sig)) {
        return Errno::EINVAL;
    }
    if (sig != 0) {
        send_self(p, SigInfo::user(i32(sig), SI_TKILL, p.pid, 0), true);
    }
    return u64(0);
}

} // namespace

SysResult sys_tkill(process::Process& p, const Args& args) {
    const i32 tid = i32(u32(args.a[0]));
    if (tid <= 0) {
        return Errno::EINVAL;
    }
    return send_thread(p, -1, tid, args.a[1]);
}

SysResult sys_tgkill(process::Process& p, const Args& args) {
    const i32 tgid = i32(u32(args.a[0]));
    const i32 tid = i32(u32(args.a[1]));
    if (tid <= 0 || tgid <= 0) {
        return Errno::EINVAL;
    }
    return send_thread(p, tgid, tid, args.a[2]);
}

SysResult sys_rt_sigqueueinfo(process::Process& p, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 sig = args.a[1];
    const SigInfo::Words w = TRY_SYS(p.space.read_val<SigInfo::Words>(args.a[2]));
    const SigInfo info = SigInfo::from_words(w, i32(sig));
    // Nobody may pretend to be the kernel, kill() or tkill() for another
    // process.
    if ((info.code() >= 0 || info.code() == SI_TKILL) && pid != p.pid) {
        return Errno::EPERM;
    }
    if (pid <= 0 || pid != p.pid) {
        return Errno::ESRCH;
    }
    if (!sig_ok(sig)) {
        return Errno::EINVAL;
    }
    if (sig != 0) {
        send_self(p, info, false);
    }
    return u64(0);
}

} // namespace services::syscall
