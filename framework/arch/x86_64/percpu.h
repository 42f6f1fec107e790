// Per-CPU data reached through GS_BASE while in the kernel. Framework-private.
// The assembly in user_entry.S uses the PC_* offsets below.
#pragma once

#define PC_KERNEL_RSP 0
#define PC_USER_RSP 8
#define PC_USER_REGS 16
#define PC_TSS_RSP0 24
#define PC_EXIT_VECTOR 32
#define PC_EXIT_ERROR 40
#define PC_EXIT_CR2 48

#ifndef __ASSEMBLER__
#include <klib/types.h>

namespace keel::arch {

struct PerCpu {
    u64 kernel_rsp; // kernel stack pointer saved by keel_enter_user
    u64 user_rsp;   // scratch for the syscall entry
    u64 user_regs;  // UserRegs* of the context running in user mode
    u64 tss_rsp0;   // address of this CPU's TSS.rsp[0]
    u64 exit_vector, exit_error, exit_cr2;
    // The UserContext whose x87/SSE state is live in this CPU's registers
    // (its saved image is stale), or 0. Set when user mode exits, cleared
    // by fpu_release() before a task switch: a context's live state never
    // outlives its task's turn on this CPU.
    u64 fpu_owner;
    // What MSR_FS_BASE and MSR_KERNEL_GS_BASE hold while the kernel runs
    // (the last user fs/gs base execute_user wrote).
    u64 msr_fs_base, msr_user_gs_base;
};
static_assert(__builtin_offsetof(PerCpu, kernel_rsp) == PC_KERNEL_RSP);
static_assert(__builtin_offsetof(PerCpu, user_rsp) == PC_USER_RSP);
static_assert(__builtin_offsetof(PerCpu, user_regs) == PC_USER_REGS);
static_assert(__builtin_offsetof(PerCpu, tss_rsp0) == PC_TSS_RSP0);
static_assert(__builtin_offsetof(PerCpu, exit_vector) == PC_EXIT_VECTOR);
static_assert(__builtin_offsetof(PerCpu, exit_error) == PC_EXIT_ERROR);
static_assert(__builtin_offsetof(PerCpu, exit_cr2) == PC_EXIT_CR2);

PerCpu& this_cpu();
// GS_BASE, syscall MSRs, SSE enablement. Called from init_cpu().
void init_user_mode();

// Saves the live user FPU state of this CPU (if any) into its context.
// Called before every task switch, with interrupts off.
void fpu_release();

struct TrapFrame;
// Leaves user mode from a trap taken there (an exception, or a timer tick
// that preempts): saves the state into the running context and returns
// from execute_user() with `why` (a keel::UserExit). Never returns.
[[noreturn]] void user_exit_from_trap(const TrapFrame& f, u32 why);

} // namespace keel::arch
#endif
