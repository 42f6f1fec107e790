// Who may signal whom (Linux's check_kill_permission): the sender's real
// or effective uid against the target's real or saved uid; SIGCONT within
// the sender's session whatever the uids; tkill, tgkill and sigqueue
// checked as kill; kill(-pgrp) succeeding when any member may be signalled.
#include "ptest.h"

// A child that takes ids (r, e, s) (and a session of its own with `own_sid`)
// and waits.
static pid_t sleeper_ids(uid_t r, uid_t e, uid_t s, int own_sid) {
    pid_t pid = fork();
    if (pid == 0) {
        if (own_sid) {
            setsid();
        }
        if (setresuid(r, e, s) != 0) {
            _exit(90);
        }
        for (;;) {
            pause();
        }
    }
    return pid;
}

struct job {
    uid_t r, e;
    pid_t target;
    int sig;
    int how; // 0 kill, 1 tkill, 2 tgkill, 3 sigqueue
};

// Sends as (r, e); returns 0 on success, else errno.
static int send_as(void* arg) {
    struct job* j = arg;
    if (setresuid(j->r, j->e, j->r) != 0) {
        return 100;
    }
    long rc;
    union sigval v = {0};
    switch (j->how) {
    case 1: rc = syscall(SYS_tkill, j->target, j->sig); break;
    case 2: rc = syscall(SYS_tgkill, j->target, j->target, j->sig); break;
    case 3: rc = sigqueue(j->target, j->sig, v); break;
    default: rc = kill(j->target, j->sig); break;
    }
    return rc == 0 ? 0 : errno;
}

static int as(uid_t r, uid_t e, pid_t target, int sig, int how) {
    struct job j = {r, e, target, sig, how};
    return exit_code(run_child(send_as, &j));
}

int main(void) {
    check_start(NULL);
    pid_t a = sleeper_ids(1000, 1000, 1000, 0);
    pid_t saved = sleeper_ids(3000, 5000, 2000, 0); // euid 5000
    pid_t far = sleeper_ids(1000, 1000, 1000, 1); // another session
    sleep_ms(100);
    check_eq("real_uid_match", as(1000, 1000, a, 0, 0), 0);
    check_eq("effective_uid_match", as(2000, 1000, a, 0, 0), 0);
    check_eq("no_match_eperm", as(2000, 2000, a, 0, 0), EPERM);
    check_eq("target_saved_uid_match", as(2000, 2000, saved, 0, 0), 0);
    check_eq("target_effective_uid_not_enough", as(5000, 5000, saved, 0, 0), EPERM);
    check_eq("sigcont_same_session_allowed", as(2000, 2000, a, SIGCONT, 0), 0);
    check_eq("sigcont_other_session_eperm", as(2000, 2000, far, SIGCONT, 0), EPERM);
    check_eq("tkill_eperm", as(2000, 2000, a, SIGTERM, 1), EPERM);
    check_eq("tgkill_eperm", as(2000, 2000, a, 0, 2), EPERM);
    check_eq("sigqueue_eperm", as(2000, 2000, a, SIGUSR1, 3), EPERM);
    check_eq("tkill_same_uid_ok", as(1000, 1000, a, 0, 1), 0);
    check_eq("invalid_signal_before_eperm", as(2000, 2000, a, 65, 0), EINVAL);

    // A process group of a (uid 1000) and b (root).
    pid_t b = sleeper_ids(0, 0, 0, 0);
    setpgid(a, a);
    setpgid(b, a);
    check_eq("pgrp_any_member_allowed", as(1000, 1000, -a, 0, 0), 0);
    check_eq("pgrp_no_member_eperm", as(2000, 2000, -a, 0, 0), EPERM);
    int st;
    check_eq("still_alive", waitpid(-1, &st, WNOHANG), 0);
    kill(a, SIGKILL);
    kill(saved, SIGKILL);
    kill(far, SIGKILL);
    kill(b, SIGKILL);
    int reaped = 0;
    while (wait(&st) > 0) {
        reaped += term_sig(st) == SIGKILL;
    }
    check_eq("root_kills_all", reaped, 4);
    return check_end("sig_perm");
}
