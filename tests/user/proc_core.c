// fork, exit and wait4: return values, copy-on-write memory, shared open
// files, exit statuses (codes, truncation, signals), WNOHANG, zombies that
// keep their status until reaped, ECHILD/EINVAL/ESRCH, process-group waits,
// and orphans reparented to init (this program is pid 1).
#include "check.h"
#include <limits.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int counter = 100;

int main(void) {
    check_start(NULL);
    pid_t me = getpid();
    check_eq("init_pid", me, 1);

    // Return values, parent, copy-on-write.
    int p[2];
    check_require("pipe", pipe(p) == 0);
    pid_t c = fork();
    if (c == 0) {
        counter = 5;
        char msg[64];
        int n = snprintf(msg, sizeof msg, "%d %d %d", getppid(), getpid() != 1, counter);
        write(p[1], msg, n);
        _exit(7);
    }
    check_true("fork_returns_pid", c > 1, "pid %d", c);
    close(p[1]);
    char buf[64] = {0};
    check_true("child_wrote", read(p[0], buf, sizeof buf - 1) > 0, "%s", buf);
    check_str("child_view", buf, "1 1 5");
    check_eq("parent_memory_kept", counter, 100);
    check_eq("pipe_eof_after_child_exit", read(p[0], buf, 1), 0);
    close(p[0]);
    int st = -1;
    check_eq("wait4_returns_child", wait4(c, &st, 0, NULL), c);
    check_true("exit_code_7", WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
    check_err("wait_no_children", wait(&st), ECHILD);

    // exit codes are 8 bits.
    c = fork();
    if (c == 0) {
        exit(256 + 3);
    }
    check_eq("wait_code_truncated_pid", waitpid(c, &st, 0), c);
    check_eq("wait_code_truncated", st, 3 << 8);

    // Killed by a signal: the status holds the signal number.
    c = fork();
    if (c == 0) {
        volatile long bad = 8;
        *(volatile int*)bad = 1;
        _exit(0);
    }
    check_eq("segv_child_reaped", waitpid(c, &st, 0), c);
    check_true("segv_status", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st),
               "status %#x", st);

    // WNOHANG: 0 while the child runs; the zombie keeps its status.
    int go[2], done[2];
    check_require("pipes", pipe(go) == 0 && pipe(done) == 0);
    c = fork();
    if (c == 0) {
        close(go[1]);
        close(done[0]);
        char x;
        read(go[0], &x, 1);
        _exit(x);
    }
    close(go[0]);
    close(done[1]);
    check_eq("wnohang_running", waitpid(c, &st, WNOHANG), 0);
    check_eq("wnohang_any_running", waitpid(-1, &st, WNOHANG), 0);
    write(go[1], "\x2a", 1);
    check_eq("child_gone_eof", read(done[0], buf, 1), 0); // its end closed at exit
    // The child has exited; it stays a zombie until waited for.
    pid_t got = 0;
    for (int i = 0; i < 1000 && got == 0; i++) {
        got = waitpid(c, &st, WNOHANG);
        if (got == 0) {
            sched_yield();
        }
    }
    check_eq("zombie_reaped", got, c);
    check_eq("zombie_status", st, 42 << 8);
    check_err("zombie_gone", waitpid(c, &st, WNOHANG), ECHILD);
    close(go[1]);
    close(done[0]);

    // Bad arguments.
    check_err("wait4_bad_options", wait4(-1, &st, 0x100, NULL), EINVAL);
    check_err("wait4_int_min", wait4(INT_MIN, &st, 0, NULL), ESRCH);
    check_err("wait4_not_a_child", wait4(12345, &st, 0, NULL), ECHILD);
    c = fork();
    if (c == 0) {
        _exit(1);
    }
    check_err("wait4_bad_status_ptr", wait4(c, (int*)8, 0, NULL), EFAULT);
    check_err("wait4_efault_still_reaped", wait4(c, &st, WNOHANG, NULL), ECHILD);

    // Many children; wait(-1) collects each once.
    int sum = 0, n = 0;
    for (int i = 1; i <= 20; i++) {
        if (fork() == 0) {
            _exit(i);
        }
    }
    while ((got = wait(&st)) > 0) {
        sum += WEXITSTATUS(st);
        n++;
    }
    check_eq("twenty_children", n, 20);
    check_eq("twenty_codes", sum, 210);
    check_eq("after_all_echild", errno, ECHILD);

    // Process-group wait: pid 0 means the caller's group.
    c = fork();
    if (c == 0) {
        _exit(9);
    }
    check_eq("wait_own_group", waitpid(0, &st, 0), c);
    check_eq("wait_own_group_status", WEXITSTATUS(st), 9);

    // An orphan goes to init: the middle child exits before its child
    // looks at its parent.
    int rep[2];
    check_require("pipe_rep", pipe(rep) == 0);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            // Wait until the middle process is gone.
            while (getppid() != 1) {
                sched_yield();
            }
            write(rep[1], "o", 1);
            _exit(11);
        }
        _exit(10);
    }
    close(rep[1]);
    check_eq("middle_reaped", waitpid(mid, &st, 0), mid);
    check_eq("middle_status", WEXITSTATUS(st), 10);
    check_eq("orphan_reported", read(rep[0], buf, 1), 1);
    got = wait(&st);
    check_true("orphan_reaped_by_init", got > 1 && WEXITSTATUS(st) == 11, "got %d status %#x", got,
               st);
    close(rep[0]);

    // rusage of the reaped child is written (and may be all zeros).
    c = fork();
    if (c == 0) {
        _exit(0);
    }
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    check_eq("wait4_rusage", wait4(c, &st, 0, &ru), c);
    check_true("rusage_written", ru.ru_maxrss != -1 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000,
               "maxrss %ld", ru.ru_maxrss);
    return check_end("proc_core");
}
