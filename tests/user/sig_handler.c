// Signal handlers: delivery on kill/raise before the call returns,
// SA_SIGINFO fields (si_signo, si_code SI_USER/SI_QUEUE/SI_TKILL, si_pid,
// si_uid, si_value), the signal blocked while its handler runs (and
// SA_NODEFER), sa_mask, SA_RESETHAND, ignored signals discarded, blocked
// signals pending until unblocked, standard signals not queued twice.
#include "ptest.h"

static volatile int count, depth, max_depth, blocked_in_handler, usr2_blocked_in_handler;
static siginfo_t last;

static void counter(int s) {
    (void)s;
    count++;
}

static void info_handler(int s, siginfo_t* si, void* uc) {
    (void)s;
    (void)uc;
    last = *si;
    count++;
}

static volatile int calls;

static void nested(int s) {
    calls++;
    depth++;
    if (depth > max_depth) {
        max_depth = depth;
    }
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    blocked_in_handler = sigismember(&m, s);
    usr2_blocked_in_handler = sigismember(&m, SIGUSR2);
    if (calls < 3) {
        raise(s);
    }
    depth--;
}

int main(void) {
    check_start(NULL);
    on_signal(SIGUSR1, counter, 0);
    count = 0;
    kill(getpid(), SIGUSR1);
    check_eq("kill_self_delivered_before_return", count, 1);
    raise(SIGUSR1);
    check_eq("raise_delivered", count, 2);

    on_siginfo(SIGUSR1, info_handler, 0);
    kill(getpid(), SIGUSR1);
    check_true("siginfo_kill", last.si_signo == SIGUSR1 && last.si_code == SI_USER && last.si_pid == getpid() &&
                                   last.si_uid == 0,
               "signo %d code %d pid %d", last.si_signo, last.si_code, last.si_pid);
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR1, v);
    check_true("siginfo_sigqueue", last.si_code == SI_QUEUE && last.si_value.sival_int == 1234, "code %d value %d",
               last.si_code, last.si_value.sival_int);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    check_eq("siginfo_tkill", last.si_code, SI_TKILL);

    // The running signal is blocked in its handler: a raise inside is held
    // until the handler returns (depth stays 1); SA_NODEFER nests.
    max_depth = 0;
    calls = 0;
    on_signal(SIGUSR1, nested, 0);
    raise(SIGUSR1);
    check_eq("handler_blocks_own_signal", blocked_in_handler, 1);
    check_eq("no_nesting_by_default", max_depth, 1);
    check_eq("held_signal_delivered_after", calls, 3);
    max_depth = 0;
    calls = 0;
    on_signal(SIGUSR1, nested, SA_NODEFER);
    raise(SIGUSR1);
    check_eq("nodefer_not_blocked", blocked_in_handler, 0);
    check_eq("nodefer_nests", max_depth, 3);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    calls = 0;
    raise(SIGUSR1);
    check_eq("sa_mask_applied", usr2_blocked_in_handler, 1);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    check_eq("mask_restored_after_handler", sigismember(&m, SIGUSR2), 0);

    // SA_RESETHAND: one delivery, then SIG_DFL.
    on_signal(SIGUSR2, counter, SA_RESETHAND);
    count = 0;
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &sa);
    check_true("resethand", count == 1 && sa.sa_handler == SIG_DFL, "count %d", count);

    // Ignored: discarded, not left pending.
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    sigpending(&m);
    check_eq("ignored_not_pending", sigismember(&m, SIGUSR2), 0);

    // Blocked: pending, delivered once at unblock (not queued twice).
    on_signal(SIGUSR1, counter, 0);
    count = 0;
    mask_one(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&m);
    check_true("blocked_pending", sigismember(&m, SIGUSR1) && count == 0, "count %d", count);
    mask_one(SIG_UNBLOCK, SIGUSR1);
    check_eq("standard_signal_coalesced", count, 1);

    // Ignoring a pending signal discards it.
    mask_one(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&m);
    check_eq("ignore_discards_pending", sigismember(&m, SIGUSR1), 0);
    mask_one(SIG_UNBLOCK, SIGUSR1);
    check_err("sigaction_sigstop", sigaction(SIGSTOP, &sa, NULL), EINVAL);
    return check_end("sig_handler");
}
