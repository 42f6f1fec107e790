// Signals: dispositions, masks, sending, waiting, sigreturn, altstack.
// The machinery (pending sets, frames, delivery) is services/signal.
#include "../process/signal_perm.h"
#include "../process/table.h"
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

SigAction action_of(const process::Process& p, i32 sig) {
    return p.state.with([&](process::ProcState& s) { return s.handlers.get(sig); });
}

void set_action(const process::Process& p, i32 sig, SigAction a) {
    p.state.with([&](process::ProcState& s) { s.handlers.set(sig, a); });
}

bool sig_ok(u64 sig) {
    return sig <= u64(NSIG); // 0: existence check only
}

// What ends pause, sigsuspend and sigtimedwait: a signal that interrupts
// (in the process, the thread, or sent to the thread by another task), or
// the thread or its process ending.
bool woken(const process::Thread& t) {
    const Inbox& shared = t.proc->signals.shared;
    return t.sig.interrupting(shared) || (t.link->inbox.pending() & ~t.sig.mask) != 0 ||
           t.proc->exiting() || t.link->is_killed();
}

} // namespace

SysResult sys_rt_sigaction(process::Thread& t, const Args& args) {
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
        const KSigaction in = TRY_SYS(t.space->read_val<KSigaction>(act));
        fresh.handler = in[0];
        fresh.flags = in[1] & UAPI_SA_FLAGS;
        fresh.restorer = in[2];
        fresh.mask = in[3] & ~UNBLOCKABLE;
    }
    const i32 s = i32(sig);
    if (sig < 1 || sig > u64(NSIG) || (act != 0 && (s == SIGKILL || s == SIGSTOP))) {
        return Errno::EINVAL;
    }
    // Read, replace and test the disposition under one hold of the lock.
    SigAction old;
    const bool ignored = t.proc->state.with([&](process::ProcState& st) {
        old = st.handlers.get(s);
        if (act == 0) {
            return false;
        }
        st.handlers.set(s, fresh);
        return st.handlers.ignores(s);
    });
    if (act != 0) {
        // POSIX: setting a disposition to ignore discards the pending
        // instances, in the process and its threads (this one: the others'
        // are dropped when they dequeue them).
        if (ignored) {
            t.proc->signals.shared.discard(bit(s));
            t.sig.pending.discard(bit(s));
        }
    }
    if (oact != 0) {
        const klib::Array<u64, 4> out = {old.handler, old.flags, old.restorer, old.mask};
        TRY_SYS(t.space->write_val(oact, out));
    }
    return u64(0);
}

SysResult sys_rt_sigprocmask(process::Thread& t, const Args& args) {
    const u64 how = args.a[0];
    const u64 set = args.a[1];
    const u64 oset = args.a[2];
    if (args.a[3] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 old = t.sig.mask;
    if (set != 0) {
        const u64 v = TRY_SYS(t.space->read_val<u64>(set)) & ~UNBLOCKABLE;
        switch (how) {
        case SIG_BLOCK:
            t.sig.mask |= v;
            break;
        case SIG_UNBLOCK:
            t.sig.mask &= ~v;
            break;
        case SIG_SETMASK:
            t.sig.mask = v;
            break;
        default:
            return Errno::EINVAL;
        }
    }
    if (oset != 0) {
        TRY_SYS(t.space->write_val(oset, old));
    }
    return u64(0);
}

SysResult sys_rt_sigpending(process::Thread& t, const Args& args) {
    const u64 size = args.a[1];
    if (size > SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 pending =
        (t.sig.pending.set() | t.proc->signals.shared.pending()) & t.sig.mask;
    klib::Array<u8, 8> bytes{};
    for (usize i = 0; i < 8; ++i) {
        bytes[i] = u8(pending >> (8 * i));
    }
    TRY_SYS(t.space->write_bytes(args.a[0], bytes.span().subspan(0, usize(size))));
    return u64(0);
}

SysResult sys_rt_sigreturn(process::Thread& t, const Args&) {
    const klib::Arc<process::Process> p = t.proc.clone();
    const klib::Arc<mm::AddressSpace> space = t.space.clone();
    if (!sigreturn([&](i32 sig) { return action_of(*p, sig); },
                   [&](i32 sig, SigAction a) { set_action(*p, sig, a); }, (*p).signals.shared, t.sig,
                   *space, t.ctx)) {
        // Linux's badframe: SIGSEGV, fatal if blocked or ignored.
        force_fault([&](i32 sig) { return action_of(*p, sig); },
                    [&](i32 sig, SigAction a) { set_action(*p, sig, a); }, (*p).signals.shared, t.sig,
                    SigInfo(SIGSEGV, SI_KERNEL));
        t.sig.syscall_nr = -1;
        return t.ctx.regs.rax;
    }
    return t.ctx.regs.rax; // the interrupted code's rax, restored
}

SysResult sys_sigaltstack(process::Thread& t, const Args& args) {
    const u64 uss = args.a[0];
    const u64 uoss = args.a[1];
    const u64 rsp = t.ctx.regs.rsp;
    AltStack& as = t.sig.altstack;
    // stack_t {ss_sp, ss_flags (int, padded), ss_size}
    using StackT = klib::Array<u64, 3>;
    const StackT old = {as.sp, u64(as.state_at(rsp) | (as.flags & SS_AUTODISARM)), as.size};
    if (uss != 0) {
        const StackT in = TRY_SYS(t.space->read_val<StackT>(uss));
        const u32 err = as.change(rsp, in[0], u32(in[1]), in[2]);
        if (err != 0) {
            return Errno(err);
        }
    }
    if (uoss != 0) {
        TRY_SYS(t.space->write_val(uoss, old));
    }
    return u64(0);
}

SysResult sys_pause(process::Thread& t, const Args&) {
    (void)t.proc->signals.shared.wait([&]() { return woken(t); }, 0);
    return Errno::ERESTARTNOHAND;
}

SysResult sys_rt_sigsuspend(process::Thread& t, const Args& args) {
    if (args.a[1] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 mask = TRY_SYS(t.space->read_val<u64>(args.a[0])) & ~UNBLOCKABLE;
    t.sig.saved_mask = t.sig.mask;
    t.sig.mask = mask;
    (void)t.proc->signals.shared.wait([&]() { return woken(t); }, 0);
    return Errno::ERESTARTNOHAND;
}

namespace {

// The first of `these` pending for the thread, else for the process.
klib::Optional<SigInfo> take_any(process::Thread& t, u64 these) {
    klib::Optional<SigInfo> i = t.sig.pending.take(these);
    if (!i.has_value()) {
        i = t.link->inbox.take(these); // sent to this thread by another
    }
    if (!i.has_value()) {
        i = t.proc->signals.shared.take(these);
    }
    return i;
}

} // namespace

SysResult sys_rt_sigtimedwait(process::Thread& t, const Args& args) {
    const u64 uthese = args.a[0];
    const u64 uinfo = args.a[1];
    const u64 uts = args.a[2];
    if (args.a[3] != SIGSET_SIZE) {
        return Errno::EINVAL;
    }
    const u64 these = TRY_SYS(t.space->read_val<u64>(uthese)) & ~UNBLOCKABLE;
    klib::Optional<u64> timeout;
    if (uts != 0) {
        const klib::Array<u64, 2> ts = TRY_SYS(t.space->read_val<Pair>(uts));
        if (i64(ts[0]) < 0 || ts[1] >= 1000000000) {
            return Errno::EINVAL;
        }
        const u64 max_sec = ~u64(0) / 1000000000 - 1;
        timeout = (ts[0] > max_sec ? max_sec : ts[0]) * 1000000000 + ts[1];
    }
    klib::Optional<SigInfo> got = take_any(t, these);
    bool interrupted = false;
    if (!got.has_value() && !(timeout.has_value() && timeout.value() == 0)) {
        // The awaited signals wake this wait even if blocked; the others
        // interrupt it as usual.
        const u64 saved = t.sig.mask;
        t.sig.mask &= ~these;
        interrupted = t.proc->signals.shared
                          .wait([&]() { return woken(t); },
                                timeout.has_value() ? timeout.value() : 0);
        t.sig.mask = saved;
        got = take_any(t, these);
    }
    if (!got.has_value()) {
        return interrupted ? Errno::EINTR : Errno::EAGAIN;
    }
    if (uinfo != 0) {
        TRY_SYS(t.space->write_val(uinfo, got.value().words()));
    }
    return u64(u32(got.value().signo()));
}

namespace {

// Linux's check_kill_permission: EINVAL for a bad signal, then EPERM
// (process::may_signal).
SysResult may_signal(const process::Thread& t, i32 target_pid, u64 sig) {
    if (!sig_ok(sig)) {
        return Errno::EINVAL;
    }
    TRY(process::may_signal(t, target_pid, i32(sig)));
    return u64(0);
}

// Sends `info` to thread `tid` (of group `tgid`; -1: any group), as
// Linux's do_send_specific: ESRCH when there is no such thread, then the
// permission checks; signal 0 only checks.
SysResult send_specific(process::Thread& t, i32 tgid, i32 tid, u64 sig, const SigInfo& info) {
    klib::Optional<process::ThreadRef> r = process::find_thread(tid);
    if (!r.has_value() || (tgid != -1 && r.value().proc->pid != tgid)) {
        return Errno::ESRCH;
    }
    const process::ThreadRef& to = r.value();
    TRY(may_signal(t, to.proc->pid, sig));
    if (sig == 0) {
        return u64(0);
    }
    if (tid == t.tid) {
        send_thread(t.sig, t.proc->signals.shared, info);
        return u64(0);
    }
    // SIGKILL kills the whole group wherever it is sent; job-control side
    // effects act on the whole process (Linux's prepare_signal).
    const Inbox& shared = to.proc->signals.shared;
    const i32 s = info.signo();
    if (s == SIGKILL) {
        send(shared, info);
        return u64(0);
    }
    if ((bit(s) & STOP_SIGNALS) != 0) {
        shared.discard(bit(SIGCONT));
    }
    if (s == SIGCONT) {
        shared.discard(STOP_SIGNALS);
        shared.resume();
    }
    to.link->inbox.post(info);
    shared.kick(); // the thread's waits re-check
    return u64(0);
}

} // namespace

SysResult sys_kill(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 sig = args.a[1];
    if (pid == i32(0x80000000)) {
        return Errno::ESRCH;
    }
    auto targets = process::signal_targets(pid, t.pid());
    if (targets.is_err()) {
        return Errno::ENOMEM;
    }
    if (targets.value().empty()) {
        return Errno::ESRCH;
    }
    if (!sig_ok(sig)) {
        return Errno::EINVAL;
    }
    // Each target's permission (EPERM); kill(-1) fails only when there is
    // nobody to try, a group when every member refused (Linux's
    // kill_something_info and __kill_pgrp_info).
    const SigInfo info = SigInfo::user(i32(sig), SI_USER, t.pid(), 0);
    bool any = false;
    for (const klib::Arc<process::Process>& p : targets.value()) {
        if (process::may_signal(t, p->pid, i32(sig)).is_err()) {
            continue;
        }
        any = true;
        if (sig != 0) {
            send((*p).signals.shared, info);
        }
    }
    return any || pid == -1 ? SysResult(u64(0)) : SysResult(Errno::EPERM);
}

SysResult sys_tkill(process::Thread& t, const Args& args) {
    const i32 tid = i32(u32(args.a[0]));
    if (tid <= 0) {
        return Errno::EINVAL;
    }
    const u64 sig = args.a[1];
    return send_specific(t, -1, tid, sig, SigInfo::user(i32(sig), SI_TKILL, t.pid(), 0));
}

SysResult sys_tgkill(process::Thread& t, const Args& args) {
    const i32 tgid = i32(u32(args.a[0]));
    const i32 tid = i32(u32(args.a[1]));
    if (tid <= 0 || tgid <= 0) {
        return Errno::EINVAL;
    }
    const u64 sig = args.a[2];
    return send_specific(t, tgid, tid, sig, SigInfo::user(i32(sig), SI_TKILL, t.pid(), 0));
}

namespace {

// The siginfo of rt_(tg)sigqueueinfo from user memory (EFAULT). Nobody
// may pretend to be the kernel, kill() or tkill() towards another than
// itself (`self`: the target is the caller): EPERM.
klib::Result<SigInfo, Errno> queued_info(const process::Thread& t, u64 uinfo, u64 sig, bool self) {
    const SigInfo::Words w = TRY_SYS(t.space->read_val<SigInfo::Words>(uinfo));
    const SigInfo info = SigInfo::from_words(w, i32(sig));
    if ((info.code() >= 0 || info.code() == SI_TKILL) && !self) {
        return Errno::EPERM;
    }
    return info;
}

} // namespace

SysResult sys_rt_sigqueueinfo(process::Thread& t, const Args& args) {
    const i32 pid = i32(u32(args.a[0]));
    const u64 sig = args.a[1];
    const SigInfo info = TRY(queued_info(t, args.a[2], sig, pid == t.pid()));
    klib::Optional<klib::Arc<process::Process>> p = pid > 0 ? process::find(pid) : klib::none;
    if (!p.has_value()) {
        return Errno::ESRCH;
    }
    TRY(may_signal(t, pid, sig));
    if (sig != 0) {
        send((*p.value()).signals.shared, info);
    }
    return u64(0);
}

SysResult sys_rt_tgsigqueueinfo(process::Thread& t, const Args& args) {
    const i32 tgid = i32(u32(args.a[0]));
    const i32 tid = i32(u32(args.a[1]));
    if (tid <= 0 || tgid <= 0) {
        return Errno::EINVAL;
    }
    const u64 sig = args.a[2];
    const SigInfo info = TRY(queued_info(t, args.a[3], sig, tid == t.tid));
    return send_specific(t, tgid, tid, sig, info);
}

} // namespace services::syscall
