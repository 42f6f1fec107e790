// Signal handlers: SA_SIGINFO fields, the mask while a handler runs
// (signal itself, sa_mask, SA_NODEFER), SA_RESETHAND, sigpending, blocked
// signals delivered on unblock, standard signals coalesce, RT signals queue
// in order with their values, ignoring discards pending, kill/tkill/tgkill
// and rt_sigqueueinfo errors.
#include "check.h"

static volatile int hits[65];
static volatile int order[32];
static volatile int norder;
static volatile int last_code, last_pid, last_signo, last_value;
static volatile unsigned long mask_in_handler;
static volatile int depth, max_depth;

static unsigned long cur_mask(void) {
    unsigned long m = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
    return m;
}

static void on_info(int sig, siginfo_t* si, void* uc) {
    (void)uc;
    hits[sig]++;
    if (norder < 32) {
        order[norder++] = sig;
    }
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_value = si->si_value.sival_int;
    mask_in_handler = cur_mask();
}

static void on_nested(int sig) {
    hits[sig]++;
    depth++;
    if (depth > max_depth) {
        max_depth = depth;
    }
    if (hits[sig] < 3) {
        kill(getpid(), sig);
    }
    depth--;
}

static int install(int sig, void (*fn)(int, siginfo_t*, void*), int flags, unsigned long mask) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    for (int s = 1; s < 64; s++) {
        if (mask & (1ul << (s - 1))) {
            sigaddset(&sa.sa_mask, s);
        }
    }
    return sigaction(sig, &sa, NULL);
}

static long raw_sys(long nr, long a, long b, long c) {
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

#define BIT(s) (1ul << ((s) - 1))

int main(void) {
    check_start(NULL);
    const unsigned long libc_bits = 3ul << 31; // musl's internal signals
    check_ok("install_usr1", install(SIGUSR1, on_info, 0, BIT(SIGUSR2)));
    check_eq("kill_self", kill(getpid(), SIGUSR1), 0);
    check_eq("delivered_once", hits[SIGUSR1], 1);
    check_eq("si_signo", last_signo, SIGUSR1);
    check_eq("si_code_user", last_code, SI_USER);
    check_eq("si_pid", last_pid, getpid());
    check_eq("mask_in_handler", mask_in_handler & ~libc_bits, BIT(SIGUSR1) | BIT(SIGUSR2));
    check_eq("mask_after", cur_mask() & ~libc_bits, 0);

    check_eq("tkill", syscall(SYS_tkill, gettid(), SIGUSR1), 0);
    check_eq("si_code_tkill", last_code, SI_TKILL);
    check_eq("tgkill", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
    check_eq("tgkill_hits", hits[SIGUSR1], 3);
    check_eq("tkill_0", raw_sys(SYS_tkill, 0, SIGUSR1, 0), -EINVAL);
    check_eq("tgkill_neg", raw_sys(SYS_tgkill, -1, gettid(), SIGUSR1), -EINVAL);
    check_eq("tkill_bad_sig", raw_sys(SYS_tkill, gettid(), 65, 0), -EINVAL);
    check_eq("kill_bad_sig", raw_sys(SYS_kill, getpid(), 65, 0), -EINVAL);
    check_eq("kill_sig0", raw_sys(SYS_kill, getpid(), 0, 0), 0);
    check_eq("kill_no_pid", raw_sys(SYS_kill, 99999, SIGUSR1, 0), -ESRCH);
    check_eq("tkill_no_tid", raw_sys(SYS_tkill, 99999, SIGUSR1, 0), -ESRCH);

    // Blocked: pending until unblocked, then delivered; standard signals
    // coalesce.
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigset_t pend;
    sigemptyset(&pend);
    check_eq("sigpending", sigpending(&pend), 0);
    check_eq("pending_usr1", sigismember(&pend, SIGUSR1), 1);
    check_eq("not_yet", hits[SIGUSR1], 3);
    sigprocmask(SIG_SETMASK, &old, NULL);
    check_eq("coalesced", hits[SIGUSR1], 4);
    check_eq("rt_sigpending_size", raw_sys(SYS_rt_sigpending, (long)&pend, 9, 0), -EINVAL);
    check_eq("rt_sigpending_efault", raw_sys(SYS_rt_sigpending, 16, 8, 0), -EFAULT);

    // Several pending standard signals: the order Linux runs the handlers.
    check_ok("install_usr2", install(SIGUSR2, on_info, 0, 0));
    check_ok("install_term", install(SIGTERM, on_info, 0, 0));
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGTERM);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    norder = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("standard order: %d %d %d\n", order[0], order[1], order[2]);

    // RT signals queue, each with its value, in order.
    int rt = SIGRTMIN + 2;
    check_ok("install_rt", install(rt, on_info, 0, 0));
    check_ok("install_rt1", install(rt + 1, on_info, 0, 0));
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigaddset(&set, rt + 1);
    sigprocmask(SIG_BLOCK, &set, &old);
    for (int i = 0; i < 3; i++) {
        union sigval v = {.sival_int = 100 + i};
        sigqueue(getpid(), rt + (i == 1), v);
    }
    sigqueue(getpid(), rt, (union sigval){.sival_int = 103});
    sigemptyset(&pend);
    sigpending(&pend);
    check_eq("rt_pending", sigismember(&pend, rt) && sigismember(&pend, rt + 1), 1);
    norder = 0;
    int before = hits[rt];
    sigprocmask(SIG_SETMASK, &old, NULL);
    check_eq("rt_all_delivered", hits[rt] - before, 3);
    printf("rt order:");
    for (int i = 0; i < norder; i++) {
        printf(" %d", order[i] - SIGRTMIN);
    }
    printf("\n");
    check_eq("rt_code", last_code, SI_QUEUE);

    // rt_sigqueueinfo: the value arrives; posing as kill() for another pid
    // is EPERM.
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = rt;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_value.sival_int = 777;
    check_eq("sigqueueinfo", syscall(SYS_rt_sigqueueinfo, getpid(), rt, &si), 0);
    check_eq("sigqueueinfo_value", last_value, 777);
    si.si_code = SI_USER;
    check_eq("sigqueueinfo_eperm", raw_sys(SYS_rt_sigqueueinfo, 99999, rt, (long)&si), -EPERM);
    si.si_code = SI_QUEUE;
    check_eq("sigqueueinfo_esrch", raw_sys(SYS_rt_sigqueueinfo, 99999, rt, (long)&si), -ESRCH);
    check_eq("sigqueueinfo_efault", raw_sys(SYS_rt_sigqueueinfo, getpid(), rt, 16), -EFAULT);

    // SA_NODEFER: the handler nests; without it the signal waits.
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_nested;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGHUP, &sa, NULL);
    kill(getpid(), SIGHUP);
    check_eq("nodefer_nested", max_depth, 3);
    hits[SIGINT] = 0;
    max_depth = 0;
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    kill(getpid(), SIGINT);
    check_eq("defer_serial", max_depth, 1);
    check_eq("defer_count", hits[SIGINT], 3);

    // SA_RESETHAND: one-shot; the disposition reads back as SIG_DFL.
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    kill(getpid(), SIGWINCH);
    struct sigaction now;
    sigaction(SIGWINCH, NULL, &now);
    check_eq("resethand_ran", hits[SIGWINCH], 1);
    check_eq("resethand_dfl", now.sa_handler == SIG_DFL, 1);
    kill(getpid(), SIGWINCH); // default: ignored
    check_eq("resethand_once", hits[SIGWINCH], 1);

    // Ignoring a pending signal discards it.
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigemptyset(&pend);
    sigpending(&pend);
    check_eq("ignore_discards", sigismember(&pend, SIGUSR2), 0);
    // A blocked ignored signal stays pending (it may be unignored).
    kill(getpid(), SIGUSR2);
    sigpending(&pend);
    check_eq("blocked_ignored_pending", sigismember(&pend, SIGUSR2), 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigpending(&pend);
    check_eq("ignored_dropped", sigismember(&pend, SIGUSR2), 0);

    // Unknown sa_flags bits read back cleared.
    struct {
        unsigned long handler, flags, restorer, mask;
    } k = {(unsigned long)SIG_IGN, 0x00f00000 | SA_RESTART, 0, 0}, ko;
    syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 8);
    syscall(SYS_rt_sigaction, SIGUSR2, NULL, &ko, 8);
    check_eq("flags_cleared", (long)ko.flags, SA_RESTART);
    // An unreadable act is EFAULT even for an invalid signal (read first).
    long r = syscall(SYS_rt_sigaction, 0, 16, 0, 8);
    check_eq("efault_before_einval", r < 0 ? -errno : r, -EFAULT);
    r = syscall(SYS_rt_sigaction, SIGKILL, 16, 0, 8);
    check_eq("efault_before_sigkill", r < 0 ? -errno : r, -EFAULT);
    // sigprocmask: the mask changes even when oset faults.
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    check_eq("procmask_oset_fault", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 16, 8) == -1 && errno == EFAULT, 1);
    check_eq("procmask_applied", (cur_mask() & BIT(SIGUSR2)) != 0, 1);
    return check_end("sig_info");
}
