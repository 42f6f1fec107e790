// Signals interrupting waits other than I/O (man 7 signal, "Interruption
// of system calls"): wait4 and waitid restart with SA_RESTART (EINTR
// without); futex FUTEX_WAIT restarts with SA_RESTART when it has no
// timeout and fails with EINTR when it has one; poll, select, ppoll and
// epoll_wait fail with EINTR whatever SA_RESTART says.
#include "ptest.h"
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile int hits;
static void on_sig(int s) {
    (void)s;
    hits++;
}

static long futex(volatile int* w, int op, int val, const struct timespec* ts) {
    return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

// A child that exits with `code` after `ms` milliseconds.
static pid_t late_exit(int code, long ms) {
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(ms);
        _exit(code);
    }
    return pid;
}

// A child that sets *w to 1 and wakes its waiters after `ms` milliseconds
// (a shared futex on a MAP_SHARED page).
static pid_t late_wake(volatile int* w, long ms) {
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(ms);
        *w = 1;
        futex(w, FUTEX_WAKE, 1, NULL);
        _exit(0);
    }
    return pid;
}

int main(void) {
    check_start(NULL);
    int st = 0;

    // wait4: EINTR without SA_RESTART, the child is still there after.
    on_signal(SIGALRM, on_sig, 0);
    hits = 0;
    pid_t c = late_exit(3, 400);
    arm_ms(100);
    check_err("wait4_eintr", waitpid(c, &st, 0), EINTR);
    check_eq("wait4_eintr_handler_ran", hits, 1);
    check_true("wait4_after_eintr", waitpid(c, &st, 0) == c && exit_code(st) == 3, "st %#x", st);
    // waitid: the same, then restarted with SA_RESTART.
    hits = 0;
    c = late_exit(4, 400);
    arm_ms(100);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    check_err("waitid_eintr", waitid(P_PID, (id_t)c, &si, WEXITED), EINTR);
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    arm_ms(100);
    memset(&si, 0, sizeof si);
    check_true("waitid_restarted", waitid(P_PID, (id_t)c, &si, WEXITED) == 0 && si.si_pid == c &&
                                       si.si_status == 4 && hits == 1,
               "pid %d status %d hits %d", si.si_pid, si.si_status, hits);

    // futex: no timeout restarts with SA_RESTART, EINTR without.
    volatile int* word = shared_page();
    check_require("shared_page", word != NULL);
    *word = 0;
    on_signal(SIGALRM, on_sig, 0);
    hits = 0;
    arm_ms(100);
    check_err("futex_wait_eintr", futex(word, FUTEX_WAIT, 0, NULL), EINTR);
    check_eq("futex_wait_eintr_handler_ran", hits, 1);
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    c = late_wake(word, 400);
    arm_ms(100);
    check_true("futex_wait_restarted", futex(word, FUTEX_WAIT, 0, NULL) == 0 && *word == 1 && hits == 1,
               "word %d hits %d", *word, hits);
    waitpid(c, &st, 0);
    // With a timeout, EINTR even with SA_RESTART.
    *word = 0;
    hits = 0;
    struct timespec five = {5, 0};
    arm_ms(100);
    check_err("futex_timed_wait_eintr", futex(word, FUTEX_WAIT, 0, &five), EINTR);
    check_eq("futex_timed_handler_ran", hits, 1);

    // poll, select, ppoll, epoll_wait: EINTR even with SA_RESTART.
    int p[2];
    check_require("pipe", pipe(p) == 0);
    hits = 0;
    arm_ms(100);
    struct pollfd pf = {p[0], POLLIN, 0};
    check_err("poll_eintr_despite_restart", poll(&pf, 1, -1), EINTR);
    arm_ms(100);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    check_err("select_eintr_despite_restart", select(p[0] + 1, &rs, NULL, NULL, NULL), EINTR);
    arm_ms(100);
    struct timespec ten = {10, 0};
    check_err("ppoll_eintr_despite_restart", ppoll(&pf, 1, &ten, NULL), EINTR);
    int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {0}};
    check_require("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    arm_ms(100);
    struct epoll_event got;
    check_err("epoll_wait_eintr_despite_restart", epoll_wait(ep, &got, 1, -1), EINTR);
    arm_ms(100);
    check_err("epoll_wait_timed_eintr", epoll_wait(ep, &got, 1, 10000), EINTR);
    check_eq("poll_family_handler_runs", hits, 5);
    // A ready descriptor wins over a pending signal: no EINTR.
    write(p[1], "x", 1);
    check_eq("poll_ready_no_eintr", poll(&pf, 1, -1), 1);
    return check_end("intr_waits");
}
