// Interrupt and exception entry stubs. Every vector pushes a uniform
// TrapFrame (see trap.h) and calls keel_trap_dispatch(TrapFrame*).

    .section .rodata.keel_trap_stub_table, "a"
    .p2align 3
    .global keel_trap_stub_table
keel_trap_stub_table:            // 256 stub addresses, appended below

    .text
    .p2align 4
// One stub per vector; each records its address in keel_trap_stub_table.
// The frame is made uniform (an error-code slot for every vector) from the
// stack alignment, not from the vector number: in 64-bit mode the CPU
// aligns RSP to 16 bytes before it pushes SS, RSP, RFLAGS, CS, RIP (40
// bytes) and, for some exceptions, an error code (8). So RSP % 16 is 0 at
// the stub exactly when an error code was pushed. A vector that normally
// has one but arrives without (an MSI or IPI naming vector 8, 10-14, 17,
// 21, 29 or 30) is marked with INJECTED (0x100) in the vector slot and
// reported, instead of shifting the frame by a word.
.set v, 0
.rept 256
    .p2align 4
1:
    .if ((v == 8) || (v >= 10 && v <= 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30))
    test $8, %spl
    jz 3f
    pushq $0
    pushq $(v | 0x100)
    jmp trap_common
3:
    .else
    pushq $0
    .endif
    pushq $v
    jmp trap_common
    .pushsection .rodata.keel_trap_stub_table, "a"
    .quad 1b
    .popsection
    .set v, v + 1
.endr

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    // Which GS is live? Read it, as Linux's paranoid entry does, rather than
    // trusting the saved CS: an NMI or machine check can arrive in the
    // syscall entry before its swapgs (kernel CS, user GS). The kernel's GS
    // base is a kernel-half address (negative); a user GS base never is
    // (the framework refuses non-user gs_base values and CR4.FSGSBASE is
    // off, so user code cannot set one). r12 (callee-saved) remembers
    // whether this entry swapped.
    mov $0xc0000101, %ecx    // MSR_GS_BASE
    rdmsr
    xor %r12d, %r12d
    test %edx, %edx
    js 1f
    swapgs
    mov $1, %r12d
    // From user mode: start from clean flags. User code can set AC with
    // popf, and AC=1 in ring 0 would switch SMAP off.
    pushq $2
    popfq
1:  mov %rsp, %rdi
    // Frame pointer chain through the interrupted context for backtraces:
    // a fake frame [rbp, rip] so the walk continues into the trapped code.
    pushq 136(%rsp)          // saved rip
    pushq 72(%rsp)           // saved rbp (offset 64, now 8 bytes further)
    mov %rsp, %rbp
    call keel_trap_dispatch
    add $16, %rsp
    test %r12d, %r12d
    jz 2f
    swapgs
2:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp            // vector, error code
    iretq
