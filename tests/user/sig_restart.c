// Interrupted system calls: a blocking read returns EINTR when a handler
// without SA_RESTART runs, and is restarted (returning the data that
// comes later) with SA_RESTART; nanosleep, pause, sigsuspend, poll and
// select return EINTR even with SA_RESTART; nanosleep reports the time
// left; wait4 restarts; a read that got data returns the count, not EINTR.
#include "ptest.h"
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>

static volatile int hits;
static void on_alrm(int s) {
    (void)s;
    hits++;
}

// A child that writes "late" to fd after ms milliseconds, then exits.
static pid_t late_writer(int fd, long ms) {
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(ms);
        write(fd, "late", 4);
        _exit(0);
    }
    return pid;
}

int main(void) {
    check_start(NULL);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    char buf[16];
    int st;

    on_signal(SIGALRM, on_alrm, 0);
    pid_t w = late_writer(p[1], 400);
    arm_ms(100);
    hits = 0;
    check_err("read_eintr_without_restart", read(p[0], buf, sizeof buf), EINTR);
    check_eq("handler_ran_once", hits, 1);
    check_eq("data_after_eintr", read(p[0], buf, sizeof buf), 4);
    waitpid(w, &st, 0);

    on_signal(SIGALRM, on_alrm, SA_RESTART);
    w = late_writer(p[1], 400);
    arm_ms(100);
    hits = 0;
    check_eq("read_restarted", read(p[0], buf, sizeof buf), 4);
    check_eq("restart_handler_ran", hits, 1);
    waitpid(w, &st, 0);

    // wait4 restarts too.
    w = fork();
    if (w == 0) {
        sleep_ms(300);
        _exit(6);
    }
    arm_ms(100);
    hits = 0;
    check_true("wait4_restarted", waitpid(w, &st, 0) == w && exit_code(st) == 6 && hits == 1, "hits %d", hits);

    // Never restarted, whatever SA_RESTART says.
    arm_ms(100);
    struct timespec req = {5, 0}, rem = {0, 0};
    check_err("nanosleep_eintr", nanosleep(&req, &rem), EINTR);
    check_true("nanosleep_remaining", rem.tv_sec >= 4 && rem.tv_sec <= 5, "rem %ld", (long)rem.tv_sec);
    arm_ms(100);
    check_err("pause_eintr", pause(), EINTR);
    arm_ms(100);
    sigset_t none;
    sigemptyset(&none);
    check_err("sigsuspend_eintr", sigsuspend(&none), EINTR);
    arm_ms(100);
    struct pollfd pf = {p[0], POLLIN, 0};
    check_err("poll_eintr", poll(&pf, 1, 5000), EINTR);
    arm_ms(100);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = {5, 0};
    check_err("select_eintr", select(p[0] + 1, &rs, NULL, NULL, &tv), EINTR);

    // An ignored signal does not interrupt.
    signal(SIGALRM, SIG_IGN);
    w = late_writer(p[1], 300);
    arm_ms(100);
    check_eq("ignored_signal_no_eintr", read(p[0], buf, sizeof buf), 4);
    waitpid(w, &st, 0);
    return check_end("sig_restart");
}
