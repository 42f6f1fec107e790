// The signal frame: a handler interrupting code with known values in
// every register sees them in uc_mcontext (and the FPU image through
// fpregs), starts with a clean FPU state, may change the interrupted
// context through the frame, and rt_sigreturn restores everything else
// (general registers, flags, xmm registers, MXCSR).
#include "check.h"
#include <ucontext.h>

static volatile unsigned long seen_r12, seen_rbx, seen_rip_ok, seen_xmm1;
static volatile unsigned int seen_mxcsr_frame, seen_mxcsr_handler;
static volatile unsigned long seen_flags, seen_fpstate_align, seen_ucflags;
static volatile int seen_trapno;
static volatile unsigned long uc_oldmask_ok;

static void on_usr1(int sig, siginfo_t* si, void* p) {
    (void)sig;
    (void)si;
    ucontext_t* uc = p;
    seen_r12 = uc->uc_mcontext.gregs[REG_R12];
    seen_rbx = uc->uc_mcontext.gregs[REG_RBX];
    seen_flags = uc->uc_mcontext.gregs[REG_EFL] & 0x8d5; // CF PF AF ZF SF OF
    seen_trapno = (int)uc->uc_mcontext.gregs[REG_TRAPNO];
    seen_fpstate_align = (unsigned long)uc->uc_mcontext.fpregs % 16;
    seen_ucflags = uc->uc_flags & 2; // UC_SIGCONTEXT_SS
    seen_mxcsr_frame = uc->uc_mcontext.fpregs->mxcsr;
    memcpy((void*)&seen_xmm1, &uc->uc_mcontext.fpregs->_xmm[1], 8);
    unsigned int m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    seen_mxcsr_handler = m;
    uc_oldmask_ok = (uc->uc_sigmask.__bits[0] & (1ul << (SIGUSR2 - 1))) != 0;
    // Clobber what the interrupted code relies on; sigreturn must undo it.
    __asm__ volatile("pcmpeqd %%xmm1, %%xmm1\n"
                     "xorps %%xmm2, %%xmm2\n"
                     "movl $0, %%eax\n"
                     "ldmxcsr %0\n"
                     :
                     : "m"(m)
                     : "xmm1", "xmm2", "eax");
    // r13 is changed through the frame: the new value must come back.
    uc->uc_mcontext.gregs[REG_R13] = 0x1313131313131313ul;
}

struct regs {
    unsigned long rbx, rbp, r8, r9, r10, r12, r13, r14, r15, rdx, rsi, flags;
    unsigned long xmm1[2], xmm2[2];
    unsigned int mxcsr;
};

int main(void) {
    check_start(NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);

    static struct regs out;
    static const unsigned long in_xmm1[2] = {0x1111222233334444ul, 0x5555666677778888ul};
    static const unsigned long in_xmm2[2] = {0x0123456789abcdeful, 0xfedcba9876543210ul};
    // Inputs travel in `out` itself: xmm1/xmm2 images, MXCSR 0x9fc0 (FTZ,
    // DAZ, default masks) and the pid in the rsi slot.
    memcpy(out.xmm1, in_xmm1, 16);
    memcpy(out.xmm2, in_xmm2, 16);
    out.mxcsr = 0x9fc0;
    out.rsi = (unsigned long)getpid();
    struct regs* o = &out;
    // kill(getpid(), SIGUSR1) with the registers loaded; the handler runs
    // on the way back from the syscall.
    __asm__ volatile("push %%rbp\n"
                     "push %%rax\n"
                     "movdqu 96(%%rax), %%xmm1\n"
                     "movdqu 112(%%rax), %%xmm2\n"
                     "ldmxcsr 128(%%rax)\n"
                     "mov 80(%%rax), %%rdi\n"
                     "mov $0xb0b0b0b0b0b0b0b0, %%rbx\n"
                     "mov $0xbbbbbbbbbbbbbbbb, %%rbp\n"
                     "mov $0x0808080808080808, %%r8\n"
                     "mov $0x0909090909090909, %%r9\n"
                     "mov $0x1010101010101010, %%r10\n"
                     "mov $0x1212121212121212, %%r12\n"
                     "mov $0x0, %%r13\n"
                     "mov $0x1414141414141414, %%r14\n"
                     "mov $0x1515151515151515, %%r15\n"
                     "mov $0xdddddddddddddddd, %%rdx\n"
                     "mov $10, %%esi\n"
                     "mov $62, %%eax\n"
                     "stc\n"
                     "syscall\n"
                     "pushf\n"
                     "pop %%rcx\n"
                     "mov (%%rsp), %%rax\n"
                     "mov %%rcx, 88(%%rax)\n"
                     "mov %%rbx, 0(%%rax)\n"
                     "mov %%rbp, 8(%%rax)\n"
                     "mov %%r8, 16(%%rax)\n"
                     "mov %%r9, 24(%%rax)\n"
                     "mov %%r10, 32(%%rax)\n"
                     "mov %%r12, 40(%%rax)\n"
                     "mov %%r13, 48(%%rax)\n"
                     "mov %%r14, 56(%%rax)\n"
                     "mov %%r15, 64(%%rax)\n"
                     "mov %%rdx, 72(%%rax)\n"
                     "mov %%rsi, 80(%%rax)\n"
                     "movdqu %%xmm1, 96(%%rax)\n"
                     "movdqu %%xmm2, 112(%%rax)\n"
                     "stmxcsr 128(%%rax)\n"
                     "add $8, %%rsp\n"
                     "pop %%rbp\n"
                     : "+a"(o)
                     :
                     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
                       "r14", "r15", "xmm1", "xmm2", "memory", "cc");
    unsigned int dflt = 0x1f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(dflt));

    check_eq("frame_r12", seen_r12 == 0x1212121212121212ul, 1);
    check_eq("frame_rbx", seen_rbx == 0xb0b0b0b0b0b0b0b0ul, 1);
    check_eq("frame_trapno_syscall", seen_trapno, 0);
    check_eq("frame_cf", seen_flags & 1, 1);
    check_eq("frame_fpstate_aligned", seen_fpstate_align, 0);
    check_eq("frame_uc_flags_ss", seen_ucflags, 2);
    check_eq("frame_mxcsr", seen_mxcsr_frame, 0x9fc0);
    check_eq("frame_xmm1", seen_xmm1 == 0x1111222233334444ul, 1);
    check_eq("frame_uc_sigmask", uc_oldmask_ok, 1);
    check_eq("handler_mxcsr_clean", seen_mxcsr_handler, 0x1f80);
    check_eq("restored_rbx", out.rbx == 0xb0b0b0b0b0b0b0b0ul, 1);
    check_eq("restored_rbp", out.rbp == 0xbbbbbbbbbbbbbbbbul, 1);
    check_eq("restored_r8", out.r8 == 0x0808080808080808ul, 1);
    check_eq("restored_r9", out.r9 == 0x0909090909090909ul, 1);
    check_eq("restored_r10", out.r10 == 0x1010101010101010ul, 1);
    check_eq("restored_r12", out.r12 == 0x1212121212121212ul, 1);
    check_eq("changed_r13", out.r13 == 0x1313131313131313ul, 1);
    check_eq("restored_r14", out.r14 == 0x1414141414141414ul, 1);
    check_eq("restored_r15", out.r15 == 0x1515151515151515ul, 1);
    check_eq("restored_rdx", out.rdx == 0xddddddddddddddddul, 1);
    check_eq("restored_rsi", out.rsi, SIGUSR1);
    check_eq("restored_cf", out.flags & 1, 1); // the flags of the interrupted code
    check_eq("restored_xmm1", out.xmm1[0] == in_xmm1[0] && out.xmm1[1] == in_xmm1[1], 1);
    check_eq("restored_xmm2", out.xmm2[0] == in_xmm2[0] && out.xmm2[1] == in_xmm2[1], 1);
    check_eq("restored_mxcsr", out.mxcsr, 0x9fc0);
    return check_end("sig_regs");
}
