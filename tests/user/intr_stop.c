// A stop is not an interruption (man 7 signal): a child blocked in a pipe
// read, stopped by SIGSTOP and continued by SIGCONT, goes on waiting and
// gets the data written after (no EINTR); the same for wait4. (Not
// SIGTSTP: Linux drops it for the orphaned process group of init's
// children.)
#include "ptest.h"

static int fds[2];

static int reader(void* a) {
    (void)a;
    char buf[8];
    long n = read(fds[0], buf, sizeof buf);
    return n < 0 ? 100 + errno : (int)n;
}

static int waiter(void* a) {
    (void)a;
    pid_t g = fork();
    if (g == 0) {
        sleep_ms(600);
        _exit(9);
    }
    int st = 0;
    pid_t r = waitpid(g, &st, 0);
    return r == g ? WEXITSTATUS(st) : 100 + errno;
}

// Runs fn in a child; stops it with `stop` after 100 ms, checks the stop,
// continues it, writes 3 bytes; returns the child's exit code.
static int stopped_then_continued(int (*fn)(void*), int stop, int* saw_stop) {
    pid_t pid = fork();
    if (pid == 0) {
        _exit(fn(NULL) & 255);
    }
    sleep_ms(100);
    kill(pid, stop);
    int st = 0;
    *saw_stop = waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == stop;
    kill(pid, SIGCONT);
    sleep_ms(100);
    write(fds[1], "abc", 3);
    if (waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return exit_code(st);
}

int main(void) {
    check_start(NULL);
    check_require("pipe", pipe(fds) == 0);
    int saw = 0;
    check_eq("read_survives_sigstop", stopped_then_continued(reader, SIGSTOP, &saw), 3);
    check_eq("read_was_stopped", saw, 1);
    check_eq("wait4_survives_sigstop", stopped_then_continued(waiter, SIGSTOP, &saw), 9);
    check_eq("wait4_was_stopped", saw, 1);
    sleep_ms(100);
    reap_all();
    return check_end("intr_stop");
}
