// SIGCHLD: sent when a child exits (si_code CLD_EXITED, si_status,
// si_pid) or is killed (CLD_KILLED); SIG_IGN and SA_NOCLDWAIT reap
// children automatically (wait gives ECHILD); SA_NOCLDSTOP leaves out
// stops; the SIGCHLD a zombie leaves interrupts a blocking read.
#include "ptest.h"

static volatile int got;
static siginfo_t info;
static void on_chld(int s, siginfo_t* si, void* uc) {
    (void)s;
    (void)uc;
    info = *si;
    got++;
}

int main(void) {
    check_start(NULL);
    on_siginfo(SIGCHLD, on_chld, SA_RESTART);
    got = 0;
    pid_t pid = fork();
    if (pid == 0) {
        _exit(17);
    }
    int st;
    while (got == 0) {
        pause();
    }
    check_true("sigchld_exited", info.si_signo == SIGCHLD && info.si_code == CLD_EXITED && info.si_status == 17 &&
                                     info.si_pid == pid,
               "code %d status %d", info.si_code, info.si_status);
    check_eq("still_zombie_after_signal", waitpid(pid, &st, 0), pid);

    got = 0;
    pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    kill(pid, SIGKILL);
    while (got == 0) {
        pause();
    }
    check_true("sigchld_killed", info.si_code == CLD_KILLED && info.si_status == SIGKILL, "code %d status %d",
               info.si_code, info.si_status);
    waitpid(pid, &st, 0);

    // Stops are reported unless SA_NOCLDSTOP.
    got = 0;
    pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    sleep_ms(50);
    kill(pid, SIGSTOP);
    while (got == 0) {
        pause();
    }
    check_eq("sigchld_stopped", info.si_code, CLD_STOPPED);
    waitpid(pid, &st, WUNTRACED);
    got = 0;
    kill(pid, SIGCONT);
    while (got == 0) {
        pause();
    }
    check_eq("sigchld_continued", info.si_code, CLD_CONTINUED);
    on_siginfo(SIGCHLD, on_chld, SA_NOCLDSTOP);
    got = 0;
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    check_true("nocldstop_no_signal", got == 0 && WIFSTOPPED(st), "got %d", got);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);

    // Auto-reap: SIG_IGN, and SA_NOCLDWAIT.
    signal(SIGCHLD, SIG_IGN);
    pid = fork();
    if (pid == 0) {
        _exit(1);
    }
    sleep_ms(100);
    check_err("sig_ign_autoreap", waitpid(pid, &st, 0), ECHILD);
    on_siginfo(SIGCHLD, on_chld, SA_NOCLDWAIT);
    got = 0;
    pid = fork();
    if (pid == 0) {
        _exit(1);
    }
    sleep_ms(100);
    check_err("nocldwait_autoreap", waitpid(pid, &st, 0), ECHILD);
    check_eq("nocldwait_still_signals", got, 1);
    signal(SIGCHLD, SIG_DFL);
    pid = fork();
    if (pid == 0) {
        _exit(2);
    }
    sleep_ms(100);
    check_eq("sig_dfl_zombie_kept", waitpid(pid, &st, WNOHANG), pid);
    return check_end("sig_chld");
}
