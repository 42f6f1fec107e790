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
#include <klib/array.h>
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
// The FPU/SSE state as the `fxsave` instruction lays it out (x87, MXCSR at
// byte 24, MXCSR_MASK at 28, ST0-7, XMM0-15): the "legacy" image Linux puts
// in a signal frame and glibc/musl read through uc_mcontext.fpregs.
using FpuImage = klib::Array<u8, 512>;

class UserContext {
public:
    UserContext();
    UserContext(const UserContext& o);
    UserContext& operator=(const UserContext& o);
    ~UserContext();
    UserRegs regs{};
    UserException exception{};

    // The context's FPU/SSE state (the live registers if it ran last).
    // Any context; never fails.
    FpuImage fpu() const;
    // Replaces the FPU/SSE state with `image` (e.g. from a sigreturn frame
    // user code may have corrupted). Returns false and changes nothing when
    // the image's MXCSR sets bits this CPU reserves (fxrstor would fault);
    // every other byte pattern is a valid image. MXCSR_MASK and the
    // reserved tail are taken from the CPU, not from `image`.
    [[nodiscard]] bool set_fpu(const FpuImage& image);
    // Resets the FPU/SSE state to the initial one (fninit, MXCSR 0x1f80),
    // as a signal handler starts with.
    void reset_fpu();

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

// The RFLAGS a thread resumes with when user memory supplies them (the
// rt_sigreturn frame): the arithmetic flags, TF, DF and AC from `image`
// (Linux's FIX_EFLAGS; RF, which it also restores, is never set in user
// mode here), every other bit from `current`. The one rule for user-supplied
// flags; execute_user() still forces IF on and IOPL, NT, RF and VM off on
// each entry. Any context; cannot fail.
u64 user_rflags_from_image(u64 current, u64 image);

// The number of the CPU the caller runs on (getcpu): 0, the boot CPU, until
// more CPUs run kernel code.
u32 current_cpu();

// The CPU features user programs are told about in AT_HWCAP (Linux's
// ELF_HWCAP on x86: CPUID leaf 1 EDX of the boot CPU). Any context; cannot
// fail. (AT_HWCAP2 is 0: user mode has no FSGSBASE, CR4.FSGSBASE is off.)
u32 user_hwcap();

} // namespace keel

KLIB_TRUSTED_END
