// The temporary signal mask of ppoll, pselect and epoll_pwait (Linux's
// set_user_sigmask): the wait runs with the given mask, so a signal the
// caller blocks interrupts it when the mask lets it in (EINTR, its handler
// runs, and the caller's mask is back afterwards), and a signal the mask
// blocks does not interrupt it (the wait times out; the signal stays
// pending and is handled once the old mask is back).
#include "ptest.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

static volatile int hits;
static void on_usr1(int s) {
    (void)s;
    hits++;
}

// A child that sends SIGUSR1 to the parent after `ms` milliseconds.
static pid_t late_usr1(long ms) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(ms);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    return pid;
}

static int usr1_blocked(void) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, SIGUSR1);
}

int main(void) {
    check_start(NULL);
    check_require("handler", on_signal(SIGUSR1, on_usr1, SA_RESTART) == 0);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    struct pollfd pf = {p[0], POLLIN, 0};
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    struct timespec ten = {10, 0};

    // Blocked by the caller, let in by the call's mask.
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    hits = 0;
    pid_t c = late_usr1(100);
    check_err("ppoll_mask_lets_signal_in", ppoll(&pf, 1, &ten, &none), EINTR);
    check_eq("ppoll_handler_ran", hits, 1);
    check_eq("ppoll_old_mask_back", usr1_blocked(), 1);
    waitpid(c, NULL, 0);

    hits = 0;
    c = late_usr1(100);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    check_err("pselect_mask_lets_signal_in", pselect(p[0] + 1, &rs, NULL, NULL, &ten, &none), EINTR);
    check_eq("pselect_handler_ran", hits, 1);
    check_eq("pselect_old_mask_back", usr1_blocked(), 1);
    waitpid(c, NULL, 0);

    int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {0}};
    check_require("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    struct epoll_event got;
    hits = 0;
    c = late_usr1(100);
    check_err("epoll_pwait_mask_lets_signal_in", epoll_pwait(ep, &got, 1, 10000, &none), EINTR);
    check_eq("epoll_pwait_handler_ran", hits, 1);
    check_eq("epoll_pwait_old_mask_back", usr1_blocked(), 1);
    waitpid(c, NULL, 0);

    // Let in by the caller, blocked by the call's mask: no EINTR; the
    // signal waits until the call has returned (the child has sent it
    // once it has exited).
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    hits = 0;
    c = late_usr1(50);
    struct timespec one = {1, 0};
    check_eq("ppoll_mask_keeps_signal_out", ppoll(&pf, 1, &one, &usr1), 0);
    waitpid(c, NULL, 0);
    check_eq("ppoll_signal_handled_after", hits, 1);
    check_eq("ppoll_mask_unblocked_after", usr1_blocked(), 0);

    hits = 0;
    c = late_usr1(50);
    check_eq("epoll_pwait_mask_keeps_signal_out", epoll_pwait(ep, &got, 1, 1000, &usr1), 0);
    waitpid(c, NULL, 0);
    check_eq("epoll_pwait_signal_handled_after", hits, 1);

    // Pending before the call and let in by its mask: EINTR at once.
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    hits = 0;
    raise(SIGUSR1);
    check_err("ppoll_pending_let_in", ppoll(&pf, 1, &ten, &none), EINTR);
    check_eq("ppoll_pending_handler_ran", hits, 1);
    check_eq("ppoll_pending_old_mask_back", usr1_blocked(), 1);

    // A bad sigset size or pointer.
    check_err("ppoll_bad_sigsetsize", syscall(SYS_ppoll, &pf, 1, &ten, &none, 4), EINVAL);
    check_err("ppoll_bad_sigset_pointer", syscall(SYS_ppoll, &pf, 1, &ten, (void*)16, 8), EFAULT);
    check_err("epoll_pwait_bad_sigset_pointer", syscall(SYS_epoll_pwait, ep, &got, 1, 10, (void*)16, 8), EFAULT);
    return check_end("intr_sigmask");
}
