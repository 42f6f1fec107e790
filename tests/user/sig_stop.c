// Stop and continue: SIGSTOP/SIGTSTP stop a child, waitpid(WUNTRACED)
// reports WIFSTOPPED/WSTOPSIG once, SIGCONT resumes it and
// waitpid(WCONTINUED) reports WIFCONTINUED; waitid(WSTOPPED/WCONTINUED)
// siginfo; a stopped child still dies from SIGKILL; SIGTSTP with a
// handler does not stop; SIGCONT runs its handler too.
#include "ptest.h"

static volatile int conts;
static void on_cont(int s) {
    (void)s;
    conts++;
}
static void on_tstp(int s) { (void)s; }

static pid_t spinner(int* p) {
    pid_t pid = fork();
    if (pid == 0) {
        on_signal(SIGCONT, on_cont, 0);
        for (;;) {
            pause();
            if (conts > 0) {
                write(p[1], "c", 1); // reports each SIGCONT handled
                conts = 0;
            }
        }
    }
    return pid;
}

int main(void) {
    check_start(NULL);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    int st = 0;
    pid_t pid = spinner(p);
    sleep_ms(50);
    check_eq("wuntraced_running", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    kill(pid, SIGSTOP);
    check_eq("wuntraced_reports", waitpid(pid, &st, WUNTRACED), pid);
    check_true("wifstopped_sigstop", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %#x", st);
    check_eq("stop_reported_once", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    check_eq("plain_wait_ignores_stop", waitpid(pid, &st, WNOHANG), 0);
    kill(pid, SIGCONT);
    check_eq("wcontinued_reports", waitpid(pid, &st, WCONTINUED), pid);
    check_true("wifcontinued", WIFCONTINUED(st), "status %#x", st);
    char c;
    check_eq("cont_handler_ran", read(p[0], &c, 1), 1);

    // This child is in init's process group, which is orphaned (no member
    // has a parent outside it in the session): SIGTSTP is discarded.
    kill(pid, SIGTSTP);
    sleep_ms(50);
    check_eq("tstp_orphaned_pgrp_discarded", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    kill(pid, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    check_eq("waitid_wstopped", waitid(P_PID, pid, &si, WSTOPPED), 0);
    check_true("waitid_cld_stopped", si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "code %d status %d",
               si.si_code, si.si_status);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    check_eq("waitid_wcontinued", waitid(P_PID, pid, &si, WCONTINUED), 0);
    check_true("waitid_cld_continued", si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, "code %d status %d",
               si.si_code, si.si_status);
    read(p[0], &c, 1);

    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGKILL);
    check_true("stopped_dies_from_sigkill", waitpid(pid, &st, 0) == pid && term_sig(st) == SIGKILL, "status %#x",
               st);

    // In a group that is not orphaned (its parent is in another group of
    // the session), SIGTSTP stops.
    pid = fork();
    if (pid == 0) {
        pid_t b = fork();
        if (b == 0) {
            setpgid(0, 0);
            for (;;) {
                pause();
            }
        }
        setpgid(b, b);
        kill(b, SIGTSTP);
        int s2;
        int ok = waitpid(b, &s2, WUNTRACED) == b && WIFSTOPPED(s2) && WSTOPSIG(s2) == SIGTSTP;
        kill(b, SIGKILL);
        waitpid(b, &s2, 0);
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    check_eq("tstp_stops_in_joined_pgrp", exit_code(st), 0);

    // A handled SIGTSTP does not stop.
    pid = fork();
    if (pid == 0) {
        on_signal(SIGTSTP, on_tstp, 0);
        raise(SIGTSTP);
        _exit(3);
    }
    check_true("handled_tstp_no_stop", waitpid(pid, &st, WUNTRACED) == pid && exit_code(st) == 3, "status %#x", st);
    // SIGTERM to a stopped process is held until SIGCONT.
    pid = spinner(p);
    sleep_ms(50);
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGTERM);
    sleep_ms(50);
    check_eq("term_held_while_stopped", waitpid(pid, &st, WNOHANG), 0);
    kill(pid, SIGCONT);
    check_true("term_after_cont", waitpid(pid, &st, 0) == pid && term_sig(st) == SIGTERM, "status %#x", st);
    return check_end("sig_stop");
}
