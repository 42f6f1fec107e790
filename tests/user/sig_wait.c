// Waiting for signals: sigtimedwait takes a blocked pending signal with
// its siginfo, times out with EAGAIN, sigwaitinfo, sigsuspend's temporary
// mask, rt_sigpending; real-time signals queue (three sent, three taken,
// values in order), lower numbers first, standard signals before RT;
// rt_sigqueueinfo refuses a kernel si_code for another process.
#include "ptest.h"

static volatile int order[16], n_order;
static void rec(int s, siginfo_t* si, void* uc) {
    (void)uc;
    if (n_order < 16) {
        order[n_order++] = s * 100 + (si->si_code == SI_QUEUE ? si->si_value.sival_int : 0);
    }
}

int main(void) {
    check_start(NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct timespec t0 = {0, 0}, t50 = {0, 50000000};
    siginfo_t si;
    check_err("timedwait_poll_eagain", sigtimedwait(&set, &si, &t0), EAGAIN);
    check_err("timedwait_timeout_eagain", sigtimedwait(&set, &si, &t50), EAGAIN);
    union sigval v = {.sival_int = 77};
    sigqueue(getpid(), SIGUSR1, v);
    sigset_t pend;
    sigpending(&pend);
    check_eq("pending_shows", sigismember(&pend, SIGUSR1), 1);
    memset(&si, 0, sizeof si);
    check_eq("timedwait_takes", sigtimedwait(&set, &si, &t0), SIGUSR1);
    check_true("timedwait_siginfo", si.si_signo == SIGUSR1 && si.si_code == SI_QUEUE && si.si_value.sival_int == 77 &&
                                        si.si_pid == getpid(),
               "code %d value %d", si.si_code, si.si_value.sival_int);
    sigpending(&pend);
    check_eq("taken_not_pending", sigismember(&pend, SIGUSR1), 0);
    raise(SIGUSR1);
    check_eq("sigwaitinfo", sigwaitinfo(&set, &si), SIGUSR1);
    struct timespec badts = {0, 2000000000};
    check_err("timedwait_bad_timespec", sigtimedwait(&set, &si, &badts), EINVAL);

    // RT signals queue; delivery is lowest number first, FIFO per signal.
    int rt1 = SIGRTMIN + 1, rt2 = SIGRTMIN + 2;
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, rt1);
    sigaddset(&all, rt2);
    sigaddset(&all, SIGUSR2);
    sigprocmask(SIG_BLOCK, &all, NULL);
    for (int i = 1; i <= 3; i++) {
        union sigval vv = {.sival_int = i};
        sigqueue(getpid(), rt2, vv);
        vv.sival_int = 10 + i;
        sigqueue(getpid(), rt1, vv);
    }
    raise(SIGUSR2);
    raise(SIGUSR2);
    // Taken by sigtimedwait: lowest number first, FIFO per RT signal, one
    // SIGUSR2 (standard signals do not queue).
    int want[] = {SIGUSR2 * 100,  rt1 * 100 + 11, rt1 * 100 + 12, rt1 * 100 + 13,
                  rt2 * 100 + 1, rt2 * 100 + 2,  rt2 * 100 + 3};
    int taken = 0, in_order = 1;
    for (;;) {
        int s = sigtimedwait(&all, &si, &t0);
        if (s < 0) {
            break;
        }
        int code = s * 100 + (si.si_code == SI_QUEUE ? si.si_value.sival_int : 0);
        in_order &= taken < 7 && code == want[taken];
        taken++;
    }
    check_eq("rt_all_queued_wait", taken, 7);
    check_eq("rt_order_wait", in_order, 1);
    // The same through handlers that block all three while running (so one
    // frame at a time, in dequeue order).
    for (int i = 1; i <= 3; i++) {
        union sigval vv = {.sival_int = i};
        sigqueue(getpid(), rt2, vv);
        vv.sival_int = 10 + i;
        sigqueue(getpid(), rt1, vv);
    }
    raise(SIGUSR2);
    struct sigaction rs;
    memset(&rs, 0, sizeof rs);
    rs.sa_sigaction = rec;
    rs.sa_flags = SA_SIGINFO;
    rs.sa_mask = all;
    sigaction(rt1, &rs, NULL);
    sigaction(rt2, &rs, NULL);
    sigaction(SIGUSR2, &rs, NULL);
    n_order = 0;
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    check_eq("rt_all_queued", n_order, 7);
    int same = n_order == 7;
    for (int i = 0; same && i < 7; i++) {
        same = order[i] == want[i];
    }
    check_true("rt_order", same, "first %d %d %d", order[0], order[1], order[2]);

    // sigsuspend: the temporary mask lets the pending signal in, then the
    // old mask is back.
    on_siginfo(SIGUSR1, rec, 0);
    raise(SIGUSR1);
    n_order = 0;
    sigset_t tmp;
    sigemptyset(&tmp);
    check_err("sigsuspend_returns_eintr", sigsuspend(&tmp), EINTR);
    check_eq("sigsuspend_delivered", n_order, 1);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    check_eq("sigsuspend_mask_restored", sigismember(&now, SIGUSR1), 1);

    // rt_sigqueueinfo: si_code >= 0 (kernel-made) to another process: EPERM.
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGUSR1, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        pause();
        _exit(0);
    }
    siginfo_t fake;
    memset(&fake, 0, sizeof fake);
    fake.si_signo = SIGUSR1;
    fake.si_code = SI_KERNEL;
    check_err("sigqueueinfo_kernel_code_eperm", syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &fake), EPERM);
    fake.si_code = SI_QUEUE;
    check_eq("sigqueueinfo_si_queue_ok", syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &fake), 0);
    int st;
    waitpid(pid, &st, 0);
    check_eq("sigqueueinfo_killed_child", term_sig(st), SIGUSR1);
    check_err("rt_sigpending_efault", syscall(SYS_rt_sigpending, 8, 8), EFAULT);
    return check_end("sig_wait");
}
