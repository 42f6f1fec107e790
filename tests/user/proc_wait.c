// wait4 and waitid: WNOHANG while a child runs, a zombie stays until it is
// reaped (kill(pid, 0) still finds it), WNOWAIT, waitid's siginfo
// (CLD_EXITED, CLD_KILLED), P_PID/P_PGID/P_ALL, killed-by-signal statuses,
// rusage, and the EINVAL/ECHILD errors.
#include "ptest.h"

int main(void) {
    check_start("/tmp/wait");
    int st = 0;
    int p[2];
    check_require("pipe", pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(p[0], &c, 1); // waits for the parent
        _exit(3);
    }
    check_eq("wnohang_running", waitpid(pid, &st, WNOHANG), 0);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    check_eq("waitid_wnohang_running", waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0);
    check_true("waitid_wnohang_zero_pid", si.si_pid == 0, "si_pid %d", si.si_pid);
    write(p[1], "x", 1);
    sleep_ms(100); // the child exits: a zombie now
    check_eq("zombie_kill0", kill(pid, 0), 0);
    memset(&si, 0, sizeof si);
    check_eq("waitid_wnowait", waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
    check_true("waitid_siginfo_exited", si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 3 &&
                                            si.si_pid == pid && si.si_uid == 0,
               "signo %d code %d status %d", si.si_signo, si.si_code, si.si_status);
    struct rusage ru;
    check_eq("wait4_after_wnowait", wait4(pid, &st, 0, &ru), pid);
    check_true("wait4_status", WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %#x", st);
    check_err("zombie_gone_kill0", kill(pid, 0), ESRCH);

    // Killed by a signal.
    pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    kill(pid, SIGKILL);
    check_eq("wait_killed", waitpid(pid, &st, 0), pid);
    check_true("status_sigkill", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !WIFEXITED(st), "status %#x", st);
    pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    kill(pid, SIGTERM);
    memset(&si, 0, sizeof si);
    check_eq("waitid_killed", waitid(P_ALL, 0, &si, WEXITED), 0);
    check_true("waitid_cld_killed", si.si_code == CLD_KILLED && si.si_status == SIGTERM && si.si_pid == pid,
               "code %d status %d", si.si_code, si.si_status);

    // P_PGID: a child in its own group.
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        _exit(4);
    }
    setpgid(pid, pid);
    memset(&si, 0, sizeof si);
    check_eq("waitid_p_pgid", waitid(P_PGID, pid, &si, WEXITED), 0);
    check_true("waitid_p_pgid_status", si.si_pid == pid && si.si_status == 4, "pid %d status %d", si.si_pid,
               si.si_status);

    // Errors.
    check_err("waitid_no_options", waitid(P_ALL, 0, &si, 0), EINVAL);
    check_err("waitid_bad_idtype", waitid((idtype_t)42, 0, &si, WEXITED), EINVAL);
    check_err("wait4_bad_options", wait4(-1, &st, WEXITED, NULL), EINVAL);
    check_err("waitid_no_children", waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    check_err("wait4_bad_status_ptr", wait4(pid, (int*)8, 0, NULL), EFAULT);
    reap_all();
    return check_end("proc_wait");
}
