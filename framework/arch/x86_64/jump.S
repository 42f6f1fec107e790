// Saved execution context used by the ktest runner to recover from a panic
// or an aborted test (a non-local return, like setjmp/longjmp).
//
// struct JumpBuf { u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags; };
    .text
    .global keel_context_save
// int keel_context_save(JumpBuf* buf): returns 0 when saving, 1 when resumed.
keel_context_save:
    mov %rbx, 0x00(%rdi)
    mov %rbp, 0x08(%rdi)
    mov %r12, 0x10(%rdi)
    mov %r13, 0x18(%rdi)
    mov %r14, 0x20(%rdi)
    mov %r15, 0x28(%rdi)
    lea 8(%rsp), %rax               // caller's rsp after our return
    mov %rax, 0x30(%rdi)
    mov (%rsp), %rax                // return address
    mov %rax, 0x38(%rdi)
    pushfq
    pop %rax
    mov %rax, 0x40(%rdi)
    xor %eax, %eax
    ret

    .global keel_context_resume
// [[noreturn]] void keel_context_resume(const JumpBuf* buf)
keel_context_resume:
    mov 0x00(%rdi), %rbx
    mov 0x08(%rdi), %rbp
    mov 0x10(%rdi), %r12
    mov 0x18(%rdi), %r13
    mov 0x20(%rdi), %r14
    mov 0x28(%rdi), %r15
    mov 0x30(%rdi), %rsp
    push 0x40(%rdi)
    popfq                           // restores IF as it was when saved
    mov $1, %eax
    jmp *0x38(%rdi)

    .global keel_run_on_stack
// void keel_run_on_stack(void (*fn)(), u64 stack_top): calls fn on another
// stack and returns on this one. The frame-pointer chain links back to the
// caller, so backtraces from inside fn continue into it.
keel_run_on_stack:
    push %rbp
    mov %rsp, %rbp
    and $~15, %rsi
    mov %rsi, %rsp
    call *%rdi
    mov %rbp, %rsp
    pop %rbp
    ret
