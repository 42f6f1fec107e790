// sigaltstack: errors (EINVAL flags, ENOMEM size, EFAULT), the stack a
// SA_ONSTACK handler runs on, SS_ONSTACK reported while on it (and EPERM
// for changing it then), uc_stack in the frame, SS_DISABLE, SS_AUTODISARM,
// and a stack overflow caught on the alternate stack.
#include "check.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

static char* alt;
static const size_t ALT_SIZE = 64 * 1024;
static volatile int on_alt, query_flags, change_err, uc_flags_seen, hits;
static volatile unsigned long uc_sp_seen;
static sigjmp_buf env;

static void on_usr1(int sig, siginfo_t* si, void* p) {
    (void)sig;
    (void)si;
    ucontext_t* uc = p;
    char here;
    on_alt = &here > alt && &here <= alt + ALT_SIZE;
    stack_t q;
    sigaltstack(NULL, &q);
    query_flags = q.ss_flags;
    stack_t n = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    change_err = sigaltstack(&n, NULL) == -1 ? errno : 0;
    uc_flags_seen = uc->uc_stack.ss_flags;
    uc_sp_seen = (unsigned long)uc->uc_stack.ss_sp;
    hits++;
}

static void on_segv(int sig) {
    (void)sig;
    char here;
    on_alt = &here > alt && &here <= alt + ALT_SIZE;
    siglongjmp(env, 1);
}

static volatile int depth_limit = 1 << 30;
static int recurse(int n) {
    volatile char buf[1024];
    buf[0] = (char)n;
    if (n > depth_limit) {
        return 0;
    }
    return recurse(n + 1) + buf[0];
}

int main(void) {
    check_start(NULL);
    alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap", alt != MAP_FAILED);
    stack_t ss, old;
    check_eq("query_initial", sigaltstack(NULL, &old), 0);
    check_eq("initial_disabled", old.ss_flags, SS_DISABLE);
    ss.ss_sp = alt;
    ss.ss_size = 1024;
    ss.ss_flags = 0;
    check_err("too_small", sigaltstack(&ss, NULL), ENOMEM);
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 7;
    check_err("bad_flags", sigaltstack(&ss, NULL), EINVAL);
    check_err("efault_in", syscall(SYS_sigaltstack, 16, 0), EFAULT); // raw: musl reads ss first
    ss.ss_flags = 0;
    check_eq("install", sigaltstack(&ss, NULL), 0);
    check_err("efault_out", syscall(SYS_sigaltstack, 0, 16), EFAULT);
    sigaltstack(NULL, &old);
    check_eq("query_sp", old.ss_sp == alt && old.ss_size == ALT_SIZE && old.ss_flags == 0, 1);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    check_eq("ran_on_alt", on_alt, 1);
    check_eq("onstack_flag", query_flags, SS_ONSTACK);
    check_eq("change_eperm", change_err, EPERM);
    check_eq("uc_stack_flags", uc_flags_seen, 0);
    check_eq("uc_stack_sp", uc_sp_seen == (unsigned long)alt, 1);
    sigaltstack(NULL, &old);
    check_eq("after_not_onstack", old.ss_flags, 0);

    // Without SA_ONSTACK the handler stays on the normal stack.
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    check_eq("no_onstack", on_alt, 0);

    // SS_AUTODISARM: the handler runs on it and the stack is disarmed
    // meanwhile (queries report it off); sigreturn re-arms it.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    ss.ss_flags = SS_AUTODISARM;
    check_eq("autodisarm", sigaltstack(&ss, NULL), 0);
    kill(getpid(), SIGUSR1);
    check_eq("autodisarm_on_alt", on_alt, 1);
    check_eq("autodisarm_query", query_flags, SS_DISABLE);
    check_eq("autodisarm_uc_flags", (unsigned)uc_flags_seen == SS_AUTODISARM, 1);
    sigaltstack(NULL, &old);
    check_eq("autodisarm_rearmed", (unsigned)old.ss_flags == SS_AUTODISARM, 1);
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);

    // A stack overflow: the SIGSEGV handler can only run on the alt stack.
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    on_alt = 0;
    if (sigsetjmp(env, 1) == 0) {
        recurse(0);
    }
    check_eq("overflow_caught_on_alt", on_alt, 1);

    ss.ss_flags = SS_DISABLE;
    check_eq("disable", sigaltstack(&ss, NULL), 0);
    sigaltstack(NULL, &old);
    check_eq("disabled", old.ss_flags == SS_DISABLE && old.ss_size == 0, 1);
    return check_end("sig_onstack");
}
