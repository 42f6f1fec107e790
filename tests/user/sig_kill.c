// kill and friends: signal 0 probes, ESRCH, EINVAL for bad signals,
// EPERM for an unprivileged sender to another user's process (but not to
// its own), kill(-1) reaching every other process of the sender's user,
// killpg, SIGKILL and SIGSTOP cannot be caught or ignored, default
// actions (terminate, ignore for SIGCHLD/SIGURG/SIGWINCH) in children.
#include "ptest.h"

static int unpriv_kill(void* arg) {
    pid_t target = (pid_t)(long)arg;
    setuid(2000);
    if (kill(target, 0) != -1 || errno != EPERM) {
        return 1;
    }
    if (kill(target, SIGTERM) != -1 || errno != EPERM) {
        return 2;
    }
    if (kill(1, SIGTERM) != -1 || errno != EPERM) {
        return 3;
    }
    return 0;
}

static int default_ignored(void* arg) {
    (void)arg;
    raise(SIGCHLD);
    raise(SIGURG);
    raise(SIGWINCH);
    return 0;
}

static int default_kills(void* arg) {
    signal((int)(long)arg, SIG_DFL);
    raise((int)(long)arg);
    return 0;
}

int main(void) {
    check_start(NULL);
    check_eq("sig0_self", kill(getpid(), 0), 0);
    check_err("esrch", kill(99999, 0), ESRCH);
    check_err("sig_65_einval", kill(getpid(), 65), EINVAL);
    check_err("sig_negative_einval", kill(getpid(), -1), EINVAL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    check_err("ignore_sigkill_einval", sigaction(SIGKILL, &sa, NULL), EINVAL);
    check_err("ignore_sigstop_einval", sigaction(SIGSTOP, &sa, NULL), EINVAL);
    check_eq("query_sigkill_ok", sigaction(SIGKILL, NULL, &sa), 0);

    pid_t a = paused_child(1000);
    sleep_ms(50);
    pid_t b = paused_child(0);
    check_eq("unprivileged_eperm", exit_code(run_child(unpriv_kill, (void*)(long)b)), 0);
    // A process of the same user may be signalled.
    pid_t same = fork();
    if (same == 0) {
        setuid(1000);
        _exit(kill(a, 0) == 0 ? 0 : 1);
    }
    int st;
    waitpid(same, &st, 0);
    check_eq("same_uid_allowed", exit_code(st), 0);
    // kill(-1) as user 1000 reaches only a (its own user's processes).
    pid_t all = fork();
    if (all == 0) {
        setuid(1000);
        _exit(kill(-1, SIGTERM) == 0 ? 0 : 1);
    }
    waitpid(all, &st, 0);
    check_eq("kill_minus1_unpriv", exit_code(st), 0);
    waitpid(a, &st, 0);
    check_eq("kill_minus1_reached_same_uid", term_sig(st), SIGTERM);
    check_eq("kill_minus1_spared_root", waitpid(b, &st, WNOHANG), 0);
    kill(b, SIGKILL);
    waitpid(b, &st, 0);
    check_eq("sigkill_status", term_sig(st), SIGKILL);

    check_eq("sigchld_urg_winch_ignored", exit_code(run_child(default_ignored, NULL)), 0);
    int deadly[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGPIPE, SIGTERM, SIGABRT, SIGSYS};
    int killed = 0;
    for (int i = 0; i < 8; i++) {
        killed += term_sig(run_child(default_kills, (void*)(long)deadly[i])) == deadly[i];
    }
    check_eq("default_terminate_8", killed, 8);
    check_eq("rt_default_terminates", term_sig(run_child(default_kills, (void*)(long)(SIGRTMIN + 3))), SIGRTMIN + 3);
    check_err("killpg_negative_einval", killpg(-5, SIGTERM), EINVAL);
    return check_end("sig_kill");
}
