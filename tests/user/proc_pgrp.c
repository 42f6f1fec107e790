// Process groups and sessions: getpgid/getpgrp/getsid, setpgid in parent
// and child, EPERM/ESRCH/EINVAL cases, setsid (new session, group leader
// refused), signals to a process group (kill(-pgid), killpg).
#include "ptest.h"

int main(void) {
    check_start(NULL);
    int st = 0;
    check_eq("init_pgid", getpgid(0), getpgrp());
    check_err("getpgid_esrch", getpgid(99999), ESRCH);
    check_err("getsid_esrch", getsid(99999), ESRCH);
    check_err("setpgid_negative", setpgid(0, -1), EINVAL);
    check_err("setpgid_esrch", setpgid(99999, 0), ESRCH);

    int p[2];
    check_require("pipe", pipe(p) == 0);
    pid_t a = fork();
    if (a == 0) {
        char c;
        read(p[0], &c, 1);
        _exit(getpgrp() == getpid() ? 0 : 1);
    }
    check_eq("child_inherits_pgid", getpgid(a), getpgrp());
    check_eq("parent_setpgid_child", setpgid(a, a), 0);
    check_eq("child_new_pgid", getpgid(a), a);
    check_eq("child_same_session", getsid(a), getsid(0));
    write(p[1], "x", 1);
    waitpid(a, &st, 0);
    check_eq("child_sees_own_group", exit_code(st), 0);

    // setsid in a child: a new session and group; a leader cannot.
    int q[2];
    pipe(q);
    pid_t b = fork();
    if (b == 0) {
        long r[4];
        r[0] = setsid();
        r[1] = getsid(0);
        r[2] = getpgrp();
        r[3] = setsid() == -1 ? errno : 0;
        write(q[1], r, sizeof r);
        // Joining a group of another session is refused.
        _exit(setpgid(0, 1) == -1 && errno == EPERM ? 0 : 1);
    }
    long r[4] = {0};
    read(q[0], r, sizeof r);
    check_true("setsid_returns_pid", r[0] == b, "got %ld", r[0]);
    check_true("setsid_getsid", r[1] == b, "got %ld", r[1]);
    check_true("setsid_new_pgrp", r[2] == b, "got %ld", r[2]);
    check_true("setsid_again_eperm", r[3] == EPERM, "errno %s", errname((int)r[3]));
    waitpid(b, &st, 0);
    check_eq("setpgid_other_session_eperm", exit_code(st), 0);

    // A group leader cannot setsid.
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        _exit(setsid() == -1 && errno == EPERM ? 0 : 1);
    }
    waitpid(c, &st, 0);
    check_eq("leader_setsid_eperm", exit_code(st), 0);

    // setpgid on a child that moved to another session: EPERM.
    pid_t d = fork();
    if (d == 0) {
        setsid();
        char ch;
        read(p[0], &ch, 1);
        _exit(0);
    }
    sleep_ms(50);
    check_err("setpgid_child_other_session", setpgid(d, d), EPERM);
    write(p[1], "x", 1);
    waitpid(d, &st, 0);

    // Signals to a group: three children in one group, all killed.
    pid_t g[3];
    for (int i = 0; i < 3; i++) {
        g[i] = fork();
        if (g[i] == 0) {
            setpgid(0, i == 0 ? 0 : g[0]);
            for (;;) {
                pause();
            }
        }
        setpgid(g[i], g[0]);
    }
    check_eq("kill_negative_pgid", kill(-g[0], SIGTERM), 0);
    int killed = 0;
    for (int i = 0; i < 3; i++) {
        waitpid(g[i], &st, 0);
        killed += term_sig(st) == SIGTERM;
    }
    check_eq("group_all_killed", killed, 3);
    check_err("killpg_gone", killpg(g[0], SIGTERM), ESRCH);
    check_err("kill_pgid_gone", kill(-g[0], 0), ESRCH);
    return check_end("proc_pgrp");
}
