// Orphans go to init: a grandchild whose parent exited reports getppid() 1
// and pid 1 (this program) reaps it; its exit code reaches us. Also
// PR_SET_CHILD_SUBREAPER (a subreaper gets its orphaned descendants).
#include "ptest.h"
#include <sys/prctl.h>

int main(void) {
    check_start(NULL);
    int p[2], q[2];
    check_require("pipe", pipe(p) == 0 && pipe(q) == 0);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t gc = fork();
        if (gc == 0) {
            char c;
            read(q[0], &c, 1); // until the middle process is gone
            int pp = getppid();
            write(p[1], &pp, sizeof pp);
            _exit(21);
        }
        write(p[1], &gc, sizeof gc);
        _exit(20);
    }
    pid_t gc = 0;
    check_eq("grandchild_pid_read", read(p[0], &gc, sizeof gc), (long)sizeof gc);
    int st = 0;
    check_eq("middle_reaped", waitpid(mid, &st, 0), mid);
    check_eq("middle_exit", exit_code(st), 20);
    write(q[1], "x", 1);
    int pp = -1;
    check_eq("orphan_ppid_read", read(p[0], &pp, sizeof pp), (long)sizeof pp);
    check_eq("orphan_getppid_is_1", pp, 1);
    check_eq("init_reaps_orphan", waitpid(gc, &st, 0), gc);
    check_eq("orphan_exit_code", exit_code(st), 21);

    // A subreaper below init collects its grandchildren.
    mid = fork();
    if (mid == 0) {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
            _exit(90);
        }
        pid_t m2 = fork();
        if (m2 == 0) {
            pid_t g = fork();
            if (g == 0) {
                sleep_ms(100);
                _exit(0);
            }
            _exit(0);
        }
        int s;
        waitpid(m2, &s, 0);
        pid_t got = wait(&s); // the orphaned grandchild comes to us
        _exit(got > 0 && WIFEXITED(s) ? 30 : 31);
    }
    waitpid(mid, &st, 0);
    check_eq("subreaper_reaps_grandchild", exit_code(st), 30);
    check_err("nothing_left", waitpid(-1, &st, WNOHANG), ECHILD);
    return check_end("proc_reparent");
}
