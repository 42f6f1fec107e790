// Group stop: SIGSTOP stops every thread of a process (none runs until
// SIGCONT), SIGCONT resumes them all; a stopped multi-threaded process
// dies of SIGKILL; a sleep interrupted by a stop resumes after SIGCONT
// (no EINTR without a handler); a SIGCONT handler without SA_RESTART
// makes the stopped sleep fail with EINTR; raise(SIGSTOP) stops the
// caller; a second SIGSTOP to a stopped process reports nothing new;
// SIGCONT to a running process reports no continue; waitid(WNOWAIT)
// leaves the stop report in place; SIGCHLD's CLD_STOPPED carries the
// stop signal in si_status.
#include "ptest.h"
#include <pthread.h>

static volatile long* counters; // in a shared page: [0..2] per thread

static void* spin(void* arg) {
    long i = (long)arg;
    for (;;) {
        counters[i]++;
    }
    return NULL;
}

static pid_t spinner3(void) {
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t a, b;
        pthread_create(&a, NULL, spin, (void*)1);
        pthread_create(&b, NULL, spin, (void*)2);
        spin((void*)0);
    }
    return pid;
}

static int all_moved(const long* before) {
    for (int i = 0; i < 3; i++) {
        if (counters[i] == before[i]) {
            return 0;
        }
    }
    return 1;
}

static volatile int conts;
static void on_cont(int s) {
    (void)s;
    conts++;
}

static volatile int chld_code, chld_status;
static void on_chld(int s, siginfo_t* si, void* uc) {
    (void)s;
    (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

int main(void) {
    check_start(NULL);
    counters = shared_page();
    check_require("shared page", counters != NULL);
    int st = 0;

    // Three spinning threads: all stop, all resume.
    pid_t pid = spinner3();
    long before[3];
    for (int tries = 0; tries < 200; tries++) {
        sleep_ms(20);
        if (counters[0] && counters[1] && counters[2]) {
            break;
        }
    }
    check_true("threads_running", counters[0] && counters[1] && counters[2], "%ld %ld %ld", counters[0],
               counters[1], counters[2]);
    kill(pid, SIGSTOP);
    check_true("group_stop_reported", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), "status %#x", st);
    for (int i = 0; i < 3; i++) {
        before[i] = counters[i];
    }
    sleep_ms(200);
    int frozen = 1;
    for (int i = 0; i < 3; i++) {
        frozen = frozen && counters[i] == before[i];
    }
    check_true("every_thread_stopped", frozen, "moved: %ld %ld %ld", counters[0] - before[0],
               counters[1] - before[1], counters[2] - before[2]);
    kill(pid, SIGCONT);
    check_true("continue_reported", waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "status %#x", st);
    for (int tries = 0; tries < 200 && !all_moved(before); tries++) {
        sleep_ms(20);
    }
    check_true("every_thread_resumed", all_moved(before), "%ld %ld %ld", counters[0] - before[0],
               counters[1] - before[1], counters[2] - before[2]);
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGKILL);
    check_true("stopped_threads_die_of_sigkill", waitpid(pid, &st, 0) == pid && term_sig(st) == SIGKILL,
               "status %#x", st);

    // A sleep across a stop: restarted with the time left, no EINTR.
    pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 400 * 1000000L};
        _exit(nanosleep(&ts, NULL) == 0 ? 0 : 1);
    }
    sleep_ms(100);
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    sleep_ms(100);
    kill(pid, SIGCONT);
    check_true("sleep_resumes_after_cont", waitpid(pid, &st, 0) == pid && exit_code(st) == 0, "status %#x", st);

    // With a SIGCONT handler (no SA_RESTART) the stopped sleep ends in EINTR.
    pid = fork();
    if (pid == 0) {
        on_signal(SIGCONT, on_cont, 0);
        struct timespec ts = {5, 0};
        int r = nanosleep(&ts, NULL);
        _exit(r == -1 && errno == EINTR && conts == 1 ? 0 : 1);
    }
    sleep_ms(100);
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGCONT);
    check_true("cont_handler_eintr", waitpid(pid, &st, 0) == pid && exit_code(st) == 0, "status %#x", st);

    // raise(SIGSTOP): the caller stops itself.
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(5);
    }
    check_true("raise_sigstop_stops", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) &&
                                          WSTOPSIG(st) == SIGSTOP,
               "status %#x", st);
    // Already stopped: another SIGSTOP is no new stop.
    kill(pid, SIGSTOP);
    sleep_ms(50);
    check_eq("second_stop_not_reported", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    kill(pid, SIGCONT);
    check_true("raise_sigstop_continues", waitpid(pid, &st, 0) == pid && exit_code(st) == 5, "status %#x", st);

    // SIGCONT to a process that is not stopped: nothing to report.
    pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    sleep_ms(50);
    kill(pid, SIGCONT);
    sleep_ms(50);
    check_eq("cont_of_running_not_reported", waitpid(pid, &st, WCONTINUED | WNOHANG), 0);
    // WNOWAIT: the stop stays reportable.
    on_siginfo(SIGCHLD, on_chld, SA_RESTART);
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    check_eq("waitid_wnowait", waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT), 0);
    check_true("wnowait_keeps_report", waitpid(pid, &st, WUNTRACED | WNOHANG) == pid && WSTOPSIG(st) == SIGSTOP,
               "status %#x", st);
    check_true("sigchld_cld_stopped_status", chld_code == CLD_STOPPED && chld_status == SIGSTOP,
               "code %d status %d", chld_code, chld_status);
    kill(pid, SIGCONT);
    for (int tries = 0; tries < 100 && chld_code != CLD_CONTINUED; tries++) {
        sleep_ms(10);
    }
    check_true("sigchld_cld_continued_status", chld_code == CLD_CONTINUED && chld_status == SIGCONT,
               "code %d status %d", chld_code, chld_status);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return check_end("sig_stop_group");
}
