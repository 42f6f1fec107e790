// Delivery: before a thread returns to user mode, its pending signals are
// acted on (handler frame, ignore, stop, terminate), and an interrupted
// syscall is restarted or fails with EINTR as Linux decides.
#pragma once

#include "../mm/address_space.h"
#include "signal.h"
#include <keel/user.h>

namespace services::signal {

struct Outcome {
    enum class Kind : u8 { Run, Exit, Stop };
    Kind kind = Kind::Run;
    i32 sig = 0;       // Exit, Stop: the signal
    bool core = false; // Exit: the default action was "core"
};

// get_action/set_action read and change one disposition (SA_RESETHAND and
// faults change them); `unkillable`: the process is init, whose signals left at
// SIG_DFL are dropped (but SIGKILL, SIGSTOP and faults).
// Acts on the pending signals of the thread (several handlers may be set
// up, one frame on top of the other, as Linux's exit-to-user loop does).
// Run: enter user mode; Exit: the process dies of `sig`; Stop: `sig` (a
// stop signal, default action, dequeued) stops the process: the caller
// starts the group stop (Inbox::begin_stop, unless Linux discards it for
// an orphaned process group), parks, and calls deliver() again; an
// interrupted syscall's restart code is kept for that call.
Outcome deliver(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, bool unkillable);

// Cheap test for the run loop: anything to act on before returning?
// (Forgets the syscall number when its result asks for no restart.)
inline bool has_work(const Inbox& shared, ThreadSignals& thread, const keel::UserContext& ctx) {
    if (thread.saved_mask.has_value() || thread.deliverable(shared) != 0 ||
        shared.stop_wanted(thread.stop_seen) || shared.notice_due()) {
        return true;
    }
    const u64 rax = ctx.regs.rax;
    if (thread.syscall_nr >= 0 && rax >= u64(0) - ERESTART_RESTARTBLOCK &&
        rax <= u64(0) - ERESTARTSYS) {
        return true;
    }
    thread.syscall_nr = -1;
    return false;
}

// A CPU exception's signal: posted to the thread, made fatal when the
// thread blocks or ignores it (Linux's force_sig_fault).
void force_fault(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const SigInfo& info);

// rt_sigreturn: restores registers, mask, FPU state and altstack from the
// frame at rsp - 8. False when the frame is unreadable or invalid (the
// caller kills the thread with SIGSEGV, as Linux's badframe).
bool sigreturn(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx);

} // namespace services::signal
