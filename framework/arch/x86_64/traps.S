// Interrupt and exception entry stubs. Every vector pushes a uniform
// TrapFrame (see trap.h) and calls keel_trap_dispatch(TrapFrame*).

    .section .rodata.keel_trap_stub_table, "a"
    .p2align 3
    .global keel_trap_stub_table
keel_trap_stub_table:            // 256 stub addresses, appended below

    .text
    .p2align 4
// One 16-byte-aligned stub per vector; each records its address in
// keel_trap_stub_table. Vectors where the CPU pushes an error code skip the
// dummy push so the frame layout is uniform.
.set v, 0
.rept 256
    .p2align 4
1:
    .if !((v == 8) || (v >= 10 && v <= 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30))
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
    // From user mode (CPL 3 in the saved CS)? Then switch GS to the kernel's.
    testb $3, 24(%rsp)
    jz 1f
    swapgs
    // From user mode: start from clean flags. User code can set AC with
    // popf, and AC=1 in ring 0 would switch SMAP off.
    pushq $2
    popfq
1:  push %rax
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
    mov %rsp, %rdi
    // Frame pointer chain through the interrupted context for backtraces:
    // a fake frame [rbp, rip] so the walk continues into the trapped code.
    pushq 136(%rsp)          // saved rip
    pushq 72(%rsp)           // saved rbp (offset 64, now 8 bytes further)
    mov %rsp, %rbp
    call keel_trap_dispatch
    add $16, %rsp
    pop %r15
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
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:  iretq

