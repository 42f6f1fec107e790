// The signal frame and rt_sigreturn: general registers, SSE registers and
// MXCSR come back as they were after a handler that clobbers them; the
// handler sees the interrupted context in its ucontext (RIP at the fault,
// the blocked mask in uc_sigmask); changes it makes to the ucontext
// (RIP, RAX, the mask) take effect on return; a frame with a kernel RIP
// or non-user flags does not give privileges.
#include "ptest.h"
#include <ucontext.h>

static void clobber(int s) {
    (void)s;
    __asm__ volatile("mov $0x1111, %%rbx\n mov $0x2222, %%r12\n mov $0x3333, %%r13\n mov $0x4444, %%r14\n"
                     "mov $0x5555, %%r15\n mov $0x6666, %%rdi\n mov $0x7777, %%rsi\n mov $0x8888, %%r8\n"
                     "mov $0x9999, %%r9\n mov $0xaaaa, %%r10\n pcmpeqd %%xmm0, %%xmm0\n pcmpeqd %%xmm7, %%xmm7\n"
                     "pcmpeqd %%xmm15, %%xmm15\n"
                     :
                     :
                     : "rbx", "r12", "r13", "r14", "r15", "rdi", "rsi", "r8", "r9", "r10", "xmm0", "xmm7", "xmm15");
    unsigned int csr = 0x7f80; // all masked, round toward zero... differs from 0x1f80
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
}

// kill(getpid(), SIGUSR1) by a raw syscall with known values in registers
// the syscall must preserve; the values after are stored in out[].
static void regs_across_signal(long pid, long out[12]) {
    register long r8 __asm__("r8") = 0x808;
    register long r9 __asm__("r9") = 0x909;
    register long r10 __asm__("r10") = 0xa0a;
    register long r12 __asm__("r12") = 0xc0c;
    register long r13 __asm__("r13") = 0xd0d;
    register long r14 __asm__("r14") = 0xe0e;
    register long r15 __asm__("r15") = 0xf0f;
    long rax = SYS_kill, rdi = pid, rsi = SIGUSR1, rdx = 0xd0;
    long x0[2] = {0x0123456789abcdefL, 0x1122334455667788L}, x7[2] = {7, 77}, x15[2] = {15, 1515};
    long y0[2], y7[2], y15[2];
    __asm__ volatile("movdqu %[x0], %%xmm0\n movdqu %[x7], %%xmm7\n movdqu %[x15], %%xmm15\n syscall\n"
                     "movdqu %%xmm0, %[y0]\n movdqu %%xmm7, %[y7]\n movdqu %%xmm15, %[y15]\n"
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r12),
                       "+r"(r13), "+r"(r14), "+r"(r15), [y0] "=m"(y0), [y7] "=m"(y7), [y15] "=m"(y15)
                     : [x0] "m"(x0), [x7] "m"(x7), [x15] "m"(x15)
                     : "rcx", "r11", "rbx", "memory", "xmm0", "xmm7", "xmm15");
    out[0] = rax;
    out[1] = rdi == pid && rsi == SIGUSR1 && rdx == 0xd0;
    out[2] = r8 == 0x808 && r9 == 0x909 && r10 == 0xa0a;
    out[3] = r12 == 0xc0c && r13 == 0xd0d && r14 == 0xe0e && r15 == 0xf0f;
    out[4] = y0[0] == x0[0] && y0[1] == x0[1] && y7[0] == 7 && y7[1] == 77 && y15[0] == 15 && y15[1] == 1515;
}

static volatile unsigned long seen_rip, seen_mask_has_usr2;
extern char ud2_here[], after_ud2[];

static void skip_ud2(int s, siginfo_t* si, void* ucv) {
    (void)s;
    ucontext_t* uc = ucv;
    seen_rip = uc->uc_mcontext.gregs[REG_RIP];
    seen_mask_has_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
    (void)si;
    uc->uc_mcontext.gregs[REG_RIP] += 2; // past the ud2
    uc->uc_mcontext.gregs[REG_RAX] = 0x4242;
    sigaddset(&uc->uc_sigmask, SIGTERM); // takes effect after return
}

static long run_ud2(void) {
    long rax = 0;
    __asm__ volatile(".globl ud2_here\nud2_here: ud2\n.globl after_ud2\nafter_ud2:\n" : "+a"(rax) : : "memory");
    return rax;
}

static void to_kernel(int s, siginfo_t* si, void* ucv) {
    (void)s;
    (void)si;
    ucontext_t* uc = ucv;
    uc->uc_mcontext.gregs[REG_RIP] = (long)0xffffffff81000000UL;
}

static int kernel_rip_child(void* arg) {
    (void)arg;
    on_siginfo(SIGUSR1, to_kernel, 0);
    raise(SIGUSR1);
    return 0; // not reached: the return to a kernel address faults
}

static void iopl_flags(int s, siginfo_t* si, void* ucv) {
    (void)s;
    (void)si;
    ucontext_t* uc = ucv;
    uc->uc_mcontext.gregs[REG_EFL] |= 0x3000; // IOPL 3: must be masked
}

static int iopl_child(void* arg) {
    (void)arg;
    on_siginfo(SIGUSR1, iopl_flags, 0);
    raise(SIGUSR1);
    __asm__ volatile("cli");
    return 0;
}

// rt_sigreturn with no signal delivered, on a zeroed stack: RIP 0, no
// FPU state: the process faults (it gets nothing of the kernel's).
static int zero_frame_child(void* arg) {
    (void)arg;
    static char zeros[8192] __attribute__((aligned(16)));
    __asm__ volatile("mov %0, %%rsp\n mov $15, %%eax\n syscall\n" : : "r"(zeros + 4096) : "memory");
    return 0;
}

int main(void) {
    check_start(NULL);
    on_signal(SIGUSR1, clobber, 0);
    unsigned int csr_before = 0x1f80, csr_after = 0;
    __asm__ volatile("ldmxcsr %0" : : "m"(csr_before));
    long out[12];
    regs_across_signal(getpid(), out);
    __asm__ volatile("stmxcsr %0" : "=m"(csr_after));
    check_eq("syscall_result_kept", out[0], 0);
    check_eq("arg_registers_restored", out[1], 1);
    check_eq("r8_r10_restored", out[2], 1);
    check_eq("callee_saved_restored", out[3], 1);
    check_eq("sse_registers_restored", out[4], 1);
    check_eq("mxcsr_restored", csr_after, 0x1f80);
    volatile double x = 1.0, y = 1.0;
    for (int i = 0; i < 10; i++) {
        raise(SIGUSR1);
        x = x * 1.5 + 0.25;
        y = y * 1.5 + 0.25;
    }
    check_true("float_math_across_signals", x == y && x > 85.9 && x < 86.0, "x %f", (double)x);

    on_siginfo(SIGILL, skip_ud2, 0);
    mask_one(SIG_BLOCK, SIGUSR2);
    long r = run_ud2();
    check_eq("ucontext_rip_at_fault", seen_rip, (unsigned long)ud2_here);
    check_eq("ucontext_sigmask", seen_mask_has_usr2, 1);
    check_eq("modified_rax_returned", r, 0x4242);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    check_eq("modified_mask_applied", sigismember(&m, SIGTERM), 1);
    mask_one(SIG_UNBLOCK, SIGTERM);
    mask_one(SIG_UNBLOCK, SIGUSR2);

    check_eq("sigreturn_kernel_rip_segv", term_sig(run_child(kernel_rip_child, NULL)), SIGSEGV);
    check_eq("sigreturn_iopl_masked", term_sig(run_child(iopl_child, NULL)), SIGSEGV);
    check_eq("sigreturn_zero_frame_segv", term_sig(run_child(zero_frame_child, NULL)), SIGSEGV);
    return check_end("sig_frame");
}
