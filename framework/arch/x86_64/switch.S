// Kernel task context switch.
    .text
// void keel_switch(u64* save_rsp, u64 next_rsp): saves the callee-saved
// registers and RFLAGS on this stack, stores rsp in *save_rsp, loads
// next_rsp and resumes whatever was saved there.
    .global keel_switch
keel_switch:
    pushfq
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    popfq
    ret

// First code of a new task: its initial stack (built by sched.cpp) resumes
// here with interrupts off; r12 holds the entry function's argument.
    .global keel_task_trampoline
keel_task_trampoline:
    xor %ebp, %ebp
    mov %r12, %rdi
    call keel_task_main
    ud2
