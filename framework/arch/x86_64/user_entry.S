// Transitions between the kernel and user mode. See framework/include/keel/user.h.
//
// UserRegs offsets (keel/user.h): rax 0 rbx 8 rcx 16 rdx 24 rsi 32 rdi 40
// rbp 48 rsp 56 r8 64 r9 72 r10 80 r11 88 r12 96 r13 104 r14 112 r15 120
// rip 128 rflags 136.
#include "arch/x86_64/percpu.h"

#define USER_CS (0x28 | 3)
#define USER_SS (0x20 | 3)

    .text
// u32 keel_enter_user(UserRegs* regs, u32 sysret): runs regs in user mode;
// "returns" through keel_user_exit_common with the exit reason (1 syscall,
// 2 exception). regs->rflags, rip, rsp are validated by the caller. With
// sysret != 0 the caller has checked that regs->rcx == rip, regs->r11 ==
// rflags and TF is clear: sysretq then resumes exactly that state.
    .global keel_enter_user
keel_enter_user:
    pushfq
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    cli
    mov %rsp, %gs:PC_KERNEL_RSP
    mov %rdi, %gs:PC_USER_REGS
    // Traps from user mode push their frame below the saved registers.
    mov %rsp, %rcx
    and $~15, %rcx
    mov %gs:PC_TSS_RSP0, %rax
    mov %rcx, (%rax)
    test %esi, %esi
    jnz 1f
    pushq $USER_SS
    pushq 56(%rdi)
    pushq 136(%rdi)
    pushq $USER_CS
    pushq 128(%rdi)
    mov 0(%rdi), %rax
    mov 8(%rdi), %rbx
    mov 16(%rdi), %rcx
    mov 24(%rdi), %rdx
    mov 32(%rdi), %rsi
    mov 48(%rdi), %rbp
    mov 64(%rdi), %r8
    mov 72(%rdi), %r9
    mov 80(%rdi), %r10
    mov 88(%rdi), %r11
    mov 96(%rdi), %r12
    mov 104(%rdi), %r13
    mov 112(%rdi), %r14
    mov 120(%rdi), %r15
    mov 40(%rdi), %rdi
    swapgs
    iretq

    // SAFETY: sysretq loads rip from rcx (below USER_END, so canonical: no
    // #GP in ring 0), rflags from r11 (sanitised by the caller, IF on) and
    // CS/SS 0x2b/0x23 from STAR[63:48] (user_mode init), CPL 3. Between
    // loading the user rsp and sysretq, interrupts are off (cli above) and
    // NMI and #MC run on IST stacks, so nothing uses the user stack in
    // ring 0; the kernel sets no debug registers and TF is clear (#DB).
1:  mov 0(%rdi), %rax
    mov 8(%rdi), %rbx
    mov 16(%rdi), %rcx
    mov 24(%rdi), %rdx
    mov 32(%rdi), %rsi
    mov 48(%rdi), %rbp
    mov 64(%rdi), %r8
    mov 72(%rdi), %r9
    mov 80(%rdi), %r10
    mov 88(%rdi), %r11
    mov 96(%rdi), %r12
    mov 104(%rdi), %r13
    mov 112(%rdi), %r14
    mov 120(%rdi), %r15
    mov 56(%rdi), %rsp
    mov 40(%rdi), %rdi
    swapgs
    sysretq

// Saves the user registers at a `syscall` (rsp still the user's, rcx =
// user rip after the instruction, r11 = user rflags, interrupts off) into
// the running context (all but rip, which the caller stores) and leaves
// %rax pointing at it, on the kernel stack keel_enter_user saved.
.macro SAVE_USER_REGS_AT_SYSCALL
    swapgs
    mov %rsp, %gs:PC_USER_RSP
    mov %gs:PC_KERNEL_RSP, %rsp
    push %rax
    mov %gs:PC_USER_REGS, %rax
    mov %rbx, 8(%rax)
    mov %rcx, 16(%rax)
    mov %rdx, 24(%rax)
    mov %rsi, 32(%rax)
    mov %rdi, 40(%rax)
    mov %rbp, 48(%rax)
    mov %r8, 64(%rax)
    mov %r9, 72(%rax)
    mov %r10, 80(%rax)
    mov %r11, 88(%rax)
    mov %r12, 96(%rax)
    mov %r13, 104(%rax)
    mov %r14, 112(%rax)
    mov %r15, 120(%rax)
    mov %r11, 136(%rax)
    mov %gs:PC_USER_RSP, %rbx
    mov %rbx, 56(%rax)
    pop %rbx
    mov %rbx, 0(%rax)
.endm

// The `syscall` instruction lands here (IA32_LSTAR) with user rsp, rcx =
// user rip, r11 = user rflags; SFMASK has cleared IF, DF, TF, AC, NT.
    .global keel_syscall_entry
keel_syscall_entry:
    SAVE_USER_REGS_AT_SYSCALL
    mov %rcx, 128(%rax)
    mov $1, %eax
    jmp keel_user_exit_common

// `syscall` executed in compatibility mode (user code can far-jump to the
// 32-bit user code segment) lands here (IA32_CSTAR). Intel CPUs raise #UD
// for it; AMD CPUs and QEMU enter ring 0 at CSTAR with the user's rsp, so
// CSTAR must never be left at 0 (ring 0 would run whatever user page 0
// holds, on a stack the user chose). Keel has no 32-bit system calls: report
// the #UD Intel raises, at the 2-byte `syscall` instruction itself.
    .global keel_syscall_compat_entry
keel_syscall_compat_entry:
    SAVE_USER_REGS_AT_SYSCALL
    lea -2(%rcx), %rbx
    mov %rbx, 128(%rax)
    movq $6, %gs:PC_EXIT_VECTOR
    movq $0, %gs:PC_EXIT_ERROR
    movq $0, %gs:PC_EXIT_CR2
    mov $2, %eax
    jmp keel_user_exit_common

// [[noreturn]] void keel_user_exit_from_trap(u32 reason): called by the trap
// handler (GS already the kernel's) after it saved the user registers.
    .global keel_user_exit_from_trap
keel_user_exit_from_trap:
    mov %edi, %eax
    mov %gs:PC_KERNEL_RSP, %rsp
    jmp keel_user_exit_common

keel_user_exit_common:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    popfq
    ret
