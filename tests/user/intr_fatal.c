// A fatal signal ends any blocked wait (man 7 signal): SIGKILL, or a
// signal whose default action terminates, kills a child blocked in a pipe
// read, in wait4, in a futex wait or in poll; its parent sees the signal
// in the wait status.
#include "ptest.h"
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#include <poll.h>
#include <sys/syscall.h>

static int fds[2];

static int block_read(void* a) {
    (void)a;
    char c;
    return read(fds[0], &c, 1) == 1 ? 1 : 2;
}

static int block_wait4(void* a) {
    (void)a;
    pid_t g = fork();
    if (g == 0) {
        sleep_ms(3000);
        _exit(0);
    }
    return waitpid(g, NULL, 0) == g ? 1 : 2;
}

static int block_futex(void* a) {
    (void)a;
    int word = 0;
    syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return 2;
}

static int block_poll(void* a) {
    (void)a;
    struct pollfd pf = {fds[0], POLLIN, 0};
    return poll(&pf, 1, -1) == 1 ? 1 : 2;
}

// Runs fn in a child, sends it `sig` after 100 ms: the signal that ended it.
static int killed_by(int (*fn)(void*), int sig) {
    pid_t pid = fork();
    if (pid == 0) {
        _exit(fn(NULL) & 255);
    }
    sleep_ms(100);
    kill(pid, sig);
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return term_sig(st);
}

int main(void) {
    check_start(NULL);
    check_require("pipe", pipe(fds) == 0);
    check_eq("read_sigkill", killed_by(block_read, SIGKILL), SIGKILL);
    check_eq("read_sigterm_default", killed_by(block_read, SIGTERM), SIGTERM);
    check_eq("wait4_sigkill", killed_by(block_wait4, SIGKILL), SIGKILL);
    check_eq("wait4_sigint_default", killed_by(block_wait4, SIGINT), SIGINT);
    check_eq("futex_sigkill", killed_by(block_futex, SIGKILL), SIGKILL);
    check_eq("futex_sigusr1_default", killed_by(block_futex, SIGUSR1), SIGUSR1);
    check_eq("poll_sigkill", killed_by(block_poll, SIGKILL), SIGKILL);
    check_eq("poll_sighup_default", killed_by(block_poll, SIGHUP), SIGHUP);
    // Grandchildren of block_wait4 are reparented to us (pid 1).
    sleep_ms(100);
    reap_all();
    return check_end("intr_fatal");
}
