// Acting on pending signals before a return to user mode.
#include "deliver.h"

namespace services::signal {

bool setup_frame(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, const SigInfo& info, const SigAction& act, u64 old_mask);

namespace {

constexpr u64 EINTR = 4;
constexpr u64 SYSCALL_INSN = 2; // `syscall` is 0f 05

u64 neg(u64 e) {
    return u64(0) - e;
}

// The interrupted syscall's result, when it asks for a restart decision.
klib::Optional<u64> restart_code(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx) {
    if (thread.syscall_nr < 0) {
        return klib::none;
    }
    const u64 rax = ctx.regs.rax;
    if (rax == neg(ERESTARTSYS) || rax == neg(ERESTARTNOINTR) || rax == neg(ERESTARTNOHAND) ||
        rax == neg(ERESTART_RESTARTBLOCK)) {
        return u64(0) - rax;
    }
    return klib::none;
}

void restart(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, u64 nr) {
    ctx.regs.rax = nr;
    ctx.regs.rip -= SYSCALL_INSN;
}

klib::Optional<SigInfo> dequeue(const Inbox& shared, ThreadSignals& thread) {
    const u64 allowed = ~thread.mask;
    const u64 own = thread.pending.set() & allowed;
    const u64 common = shared.pending() & allowed;
    // Thread-directed first, unless only the process has a synchronous one.
    if (own != 0 && ((own & SYNCHRONOUS) != 0 || (common & SYNCHRONOUS) == 0)) {
        klib::Optional<SigInfo> i = thread.pending.take(allowed);
        if (i.has_value()) {
            return i;
        }
    }
    klib::Optional<SigInfo> i = shared.take(allowed);
    if (i.has_value()) {
        return i;
    }
    return thread.pending.take(allowed);
}

} // namespace

void force_fault(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const SigInfo& info) {
    const i32 sig = info.signo();
    SigAction act = get_action(sig);
    const bool blocked = (thread.mask & bit(sig)) != 0;
    if (blocked || act.handler == SIG_IGN) {
        act.handler = SIG_DFL;
        set_action(sig, act);
        thread.mask &= ~bit(sig);
    }
    send_thread(thread, shared, info);
}

Outcome deliver(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, bool unkillable) {
    const klib::Optional<u64> code = restart_code(get_action, set_action, shared, thread, space, ctx);
    const u64 nr = u64(thread.syscall_nr);
    thread.syscall_nr = -1;
    bool first = true;
    for (;;) {
        klib::Optional<SigInfo> next = dequeue(shared, thread);
        if (!next.has_value()) {
            break;
        }
        const SigInfo info = next.value();
        const i32 sig = info.signo();
        const SigAction act = get_action(sig);
        if (act.handler == SIG_IGN) {
            continue;
        }
        if (act.handler == SIG_DFL) {
            const Default d = default_action(sig);
            if (d == Default::Ignore || d == Default::Continue) {
                continue;
            }
            if (unkillable && (bit(sig) & (UNBLOCKABLE | SYNCHRONOUS)) == 0) {
                continue; // init ignores signals it has no handler for
            }
            if (d == Default::Stop) {
                // The interrupted syscall's fate waits for the continue:
                // the caller parks the thread and calls deliver() again,
                // which decides it with the signals then pending (a
                // SIGCONT handler without SA_RESTART: EINTR, as Linux).
                if (code.has_value() && first) {
                    thread.syscall_nr = i64(nr);
                }
                return Outcome{Outcome::Kind::Stop, sig, false};
            }
            return Outcome{Outcome::Kind::Exit, sig, d == Default::Core};
        }
        // A handler: first decide the interrupted syscall's fate.
        if (first && code.has_value()) {
            const u64 c = code.value();
            if (c == ERESTARTNOINTR || (c == ERESTARTSYS && (act.flags & SA_RESTART) != 0)) {
                restart(get_action, set_action, shared, thread, space, ctx, nr);
            } else {
                ctx.regs.rax = neg(EINTR);
            }
        }
        first = false;
        const u64 old_mask = thread.saved_mask.has_value() ? thread.saved_mask.value()
                                                             : thread.mask;
        if (!setup_frame(get_action, set_action, shared, thread, space, ctx, info, act, old_mask)) {
            // Linux's force_sigsegv: a frame that cannot be written kills.
            if (sig == SIGSEGV) {
                SigAction dfl = act;
                dfl.handler = SIG_DFL;
                set_action(sig, dfl);
            }
            force_fault(get_action, set_action, shared, thread, SigInfo(SIGSEGV, SI_KERNEL));
            continue;
        }
        thread.saved_mask = klib::none;
        thread.mask = old_mask | act.mask;
        if ((act.flags & SA_NODEFER) == 0) {
            thread.mask |= bit(sig);
        }
        thread.mask &= ~UNBLOCKABLE;
        if ((act.flags & SA_RESETHAND) != 0) {
            SigAction dfl = act;
            dfl.handler = SIG_DFL;
            set_action(sig, dfl);
        }
    }
    if (first && code.has_value()) {
        // No handler ran: the syscall restarts, whatever its code.
        restart(get_action, set_action, shared, thread, space, ctx, code.value() == ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : nr);
    }
    if (thread.saved_mask.has_value()) {
        thread.mask = thread.saved_mask.value();
        thread.saved_mask = klib::none;
    }
    return Outcome{};
}

u32 AltStack::change(u64 rsp, u64 new_sp, u32 new_flags, u64 new_size) {
    constexpr u32 EPERM = 1;
    constexpr u32 EINVAL = 22;
    constexpr u32 ENOMEM = 12;
    if (on(rsp)) {
        return EPERM;
    }
    const u32 mode = new_flags & ~SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) {
        return EINVAL;
    }
    if (sp == new_sp && size == new_size && flags == new_flags) {
        return 0;
    }
    if (mode == SS_DISABLE) {
        new_size = 0;
        new_sp = 0;
    } else if (new_size < MINSIGSTKSZ) {
        return ENOMEM;
    }
    sp = new_sp;
    size = new_size;
    flags = new_flags;
    return 0;
}

void restore_altstack(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, u64 sp, u32 flags, u64 size) {
    (void)thread.altstack.change(ctx.regs.rsp, sp, flags, size);
}

} // namespace services::signal
