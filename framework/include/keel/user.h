// User mode as a function call.
//
//   keel::UserContext ctx;            // registers of one user thread
//   ctx.regs.rip = entry; ctx.regs.rsp = stack_top;
//   for (;;) {
//       switch (keel::execute_user(space, ctx)) {
//       case keel::UserExit::Syscall:   ctx.regs.rax = handle(ctx.regs); break;
//       case keel::UserExit::Exception: deliver_signal(ctx.exception); break;
//       }
//   }
//
// The service's own kernel thread owns the loop; the framework only switches
// to user mode and back. What user mode can do to the kernel is bounded by
// the hardware: CPL 3, only the space's user mappings (untyped frames),
// RFLAGS sanitised on every entry (no IOPL, no NT), no I/O ports (the TSS has
// no I/O bitmap), FPU/SSE state saved and restored per context.
#pragma once

#include <keel/mm/vm_space.h>
#include <klib/annotations.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

namespace arch {
void fpu_release();
}

// General-purpose registers of a user thread, as the Linux x86-64 ABI sees
// them. After a syscall, rcx and r11 hold what the `syscall` instruction
// left there (the return rip and rflags).
struct UserRegs {
    u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rip, rflags;
    u64 fs_base, gs_base;
};

// Why user mode stopped with UserExit::Exception.
struct UserException {
    u64 vector;     // 0 #DE, 3 #BP, 6 #UD, 13 #GP, 14 #PF, ...
    u64 error_code; // as pushed by the CPU (0 if none)
    u64 fault_addr; // CR2 for a page fault, else 0
};

// Preempted: a timer interrupt arrived in user mode while other tasks were
// ready; the caller should yield_now() and then resume the context.
enum class UserExit : u32 { Syscall = 1, Exception = 2, Preempted = 3 };

// The FPU/SSE state is tracked, not saved per syscall: after an exit it
// stays in the CPU's registers until another context enters, the task
// switches, or the context is copied (the copy gets the live state).
class UserContext {
public:
    UserContext();
    UserContext(const UserContext& o);
    UserContext& operator=(const UserContext& o);
    ~UserContext();
    UserRegs regs{};
    UserException exception{};

private:
    friend UserExit execute_user(const VmSpace& space, UserContext& ctx);
    friend void arch::fpu_release();
    void save_fpu_(u8 (&image)[512]) const;
    void copy_fpu_from_(const UserContext& o);
    alignas(16) u8 fpu_[512]; // fxsave image: x87, MMX, SSE state
};

// Runs `ctx` in user mode inside `space` until the thread makes a syscall or
// takes an exception; `ctx` is updated with the user state at that point.
// A context that cannot be entered (rip, rsp, fs_base or gs_base outside
// user space or non-canonical) returns Exception with vector 13 (#GP)
// without entering user mode. Interrupts taken in user mode are handled and
// user mode resumes.
UserExit execute_user(const VmSpace& space, UserContext& ctx);

// The number of the CPU the caller runs on (getcpu): 0, the boot CPU, until
// more CPUs run kernel code.
u32 current_cpu();

} // namespace keel

KLIB_TRUSTED_END
