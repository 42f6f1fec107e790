// Signals from CPU exceptions, caught by handlers: SIGSEGV (unmapped:
// SEGV_MAPERR, read-only: SEGV_ACCERR, with si_addr and uc_mcontext's
// cr2/trapno), SIGBUS past the end of a file mapping (BUS_ADRERR), SIGFPE
// from a division by zero (FPE_INTDIV, si_addr the instruction), SIGILL
// from ud2 (ILL_ILLOPN), SIGTRAP from int3 (SI_KERNEL), SIGSEGV from a
// privileged instruction (SI_KERNEL, trapno 13); a handler may skip the
// faulting instruction by moving rip in the frame.
#include "check.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile unsigned long got_addr, got_cr2, got_trapno, got_rip, got_err;

static void on_fault(int sig, siginfo_t* si, void* p) {
    ucontext_t* uc = p;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (unsigned long)si->si_addr;
    got_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    got_err = uc->uc_mcontext.gregs[REG_ERR];
    got_rip = uc->uc_mcontext.gregs[REG_RIP];
    siglongjmp(env, 1);
}

static void on_skip(int sig, siginfo_t* si, void* p) {
    (void)si;
    ucontext_t* uc = p;
    got_sig = sig;
    uc->uc_mcontext.gregs[REG_RIP] += 2; // past the 2-byte ud2
}

static void reset(void) {
    got_sig = got_code = 0;
    got_addr = got_cr2 = got_trapno = got_rip = got_err = 0;
}

extern char ud2_at[], div_at[], int3_after[];

int main(void) {
    check_start("/tmp/sigfault");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    for (int s = 1; s < 32; s++) {
        if (s != SIGKILL && s != SIGSTOP) {
            sigaction(s, &sa, NULL);
        }
    }

    // Unmapped.
    reset();
    if (sigsetjmp(env, 1) == 0) {
        volatile unsigned long bad = 0x10;
        *(volatile int*)bad = 1;
    }
    check_eq("segv_sig", got_sig, SIGSEGV);
    check_eq("segv_maperr", got_code, SEGV_MAPERR);
    check_eq("segv_addr", got_addr, 0x10);
    check_eq("segv_cr2", got_cr2, 0x10);
    check_eq("segv_trapno", got_trapno, 14);
    check_eq("segv_err_write_user", got_err & 6, 6);

    // Mapped read-only.
    char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap_ro", ro != MAP_FAILED);
    reset();
    if (sigsetjmp(env, 1) == 0) {
        ro[100] = 1;
    }
    check_eq("accerr_sig", got_sig, SIGSEGV);
    check_eq("accerr_code", got_code, SEGV_ACCERR);
    check_eq("accerr_addr", got_addr == (unsigned long)ro + 100, 1);
    // A read of PROT_NONE.
    mprotect(ro, 4096, PROT_NONE);
    reset();
    if (sigsetjmp(env, 1) == 0) {
        (void)*(volatile char*)(ro + 8);
    }
    check_eq("none_code", got_code, SEGV_ACCERR);
    check_eq("none_err_read", got_err & 2, 0);

    // Past the end of a file mapping: SIGBUS.
    check_require("file", put_file("f", "x") == 0);
    int fd = open("f", O_RDONLY);
    char* fm = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
    check_require("mmap_file", fm != MAP_FAILED);
    reset();
    if (sigsetjmp(env, 1) == 0) {
        (void)*(volatile char*)(fm + 4096);
    }
    check_eq("bus_sig", got_sig, SIGBUS);
    check_eq("bus_code", got_code, BUS_ADRERR);
    check_eq("bus_addr", got_addr == (unsigned long)fm + 4096, 1);

    // Integer division by zero.
    reset();
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile("xor %%ecx, %%ecx\n"
                         "mov $1, %%eax\n"
                         "cdq\n"
                         ".globl div_at\n"
                         "div_at: idiv %%ecx\n" ::: "eax", "ecx", "edx");
    }
    check_eq("fpe_sig", got_sig, SIGFPE);
    check_eq("fpe_code", got_code, FPE_INTDIV);
    check_eq("fpe_addr", got_addr == (unsigned long)div_at, 1);
    check_eq("fpe_trapno", got_trapno, 0);

    // ud2.
    reset();
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile(".globl ud2_at\nud2_at: ud2");
    }
    check_eq("ill_sig", got_sig, SIGILL);
    check_eq("ill_code", got_code, ILL_ILLOPN);
    check_eq("ill_addr", got_addr == (unsigned long)ud2_at, 1);
    check_eq("ill_rip", got_rip == (unsigned long)ud2_at, 1);
    check_eq("ill_trapno", got_trapno, 6);

    // int3: SIGTRAP, rip after the instruction.
    reset();
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile("int3\n.globl int3_after\nint3_after:");
    }
    check_eq("trap_sig", got_sig, SIGTRAP);
    check_eq("trap_code", got_code, SI_KERNEL);
    check_eq("trap_rip", got_rip == (unsigned long)int3_after, 1);
    check_eq("trap_trapno", got_trapno, 3);

    // A privileged instruction: #GP, SIGSEGV with SI_KERNEL and no address.
    reset();
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile("hlt");
    }
    check_eq("gp_sig", got_sig, SIGSEGV);
    check_eq("gp_code", got_code, SI_KERNEL);
    check_eq("gp_addr", got_addr, 0);
    check_eq("gp_trapno", got_trapno, 13);

    // A handler that moves rip past the fault: execution resumes there.
    sa.sa_sigaction = on_skip;
    sigaction(SIGILL, &sa, NULL);
    reset();
    __asm__ volatile("ud2");
    check_eq("skip_resumed", got_sig, SIGILL);

    // After the handlers, the mask is what it was (siglongjmp restored it).
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    check_eq("mask_clean", sigismember(&cur, SIGSEGV) || sigismember(&cur, SIGILL), 0);
    return check_end("sig_faultinfo");
}
