// Signals to one thread by tid: tgkill and rt_tgsigqueueinfo reach a
// thread that is not the main one (the handler runs there, with the
// siginfo given), tkill a thread of another process; ESRCH for a tid not
// in the named group or gone, EINVAL for a bad signal, EPERM across users.
#include "ptest.h"
#include <pthread.h>

static volatile pid_t worker_tid, handled_tid;
static volatile int handled_value, handled_code, stop;

static void on_usr1(int s, siginfo_t* si, void* uc) {
    (void)s;
    (void)uc;
    handled_tid = (pid_t)syscall(SYS_gettid);
    handled_code = si->si_code;
    handled_value = si->si_value.sival_int;
}

static void* worker(void* a) {
    (void)a;
    worker_tid = (pid_t)syscall(SYS_gettid);
    while (!stop) {
        sleep_ms(5);
    }
    return NULL;
}

static void wait_handled(void) {
    for (int i = 0; i < 300 && handled_tid == 0; i++) {
        sleep_ms(10);
    }
}

// A child whose second thread reports its tid through a pipe, then waits.
static int pipefd[2];
static void* report(void* a) {
    (void)a;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    write(pipefd[1], &tid, sizeof tid);
    for (;;) {
        pause();
    }
    return NULL;
}
static int two_threads(void* a) {
    (void)a;
    pthread_t t;
    pthread_create(&t, NULL, report, NULL);
    for (;;) {
        pause();
    }
    return 0;
}

static int other_user(void* a) {
    pid_t target = *(pid_t*)a;
    if (setuid(1000) != 0) {
        return 10;
    }
    errno = 0;
    long r = syscall(SYS_tgkill, getppid(), target, 0);
    return r == -1 && errno == EPERM ? 0 : 11;
}

int main(void) {
    check_start(NULL);
    on_siginfo(SIGUSR1, on_usr1, 0);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    mask_one(SIG_BLOCK, SIGUSR1); // only the worker takes it
    while (worker_tid == 0) {
        sleep_ms(5);
    }
    pid_t me = getpid();
    pid_t tid = worker_tid;
    check_eq("tgkill_worker", syscall(SYS_tgkill, me, tid, SIGUSR1), 0);
    wait_handled();
    check_true("handler_in_worker", handled_tid == tid, "tid %d want %d", handled_tid, tid);
    check_eq("tgkill_code", handled_code, SI_TKILL);

    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = me;
    si.si_uid = getuid();
    si.si_value.sival_int = 1234;
    handled_tid = 0;
    check_eq("tgsigqueueinfo_worker", syscall(SYS_rt_tgsigqueueinfo, me, tid, SIGUSR1, &si), 0);
    wait_handled();
    check_true("queued_in_worker", handled_tid == tid && handled_value == 1234 && handled_code == SI_QUEUE,
               "tid %d value %d code %d", handled_tid, handled_value, handled_code);
    si.si_code = SI_USER;
    check_err("tgsigqueueinfo_fake_code", syscall(SYS_rt_tgsigqueueinfo, me, tid, SIGUSR1, &si), EPERM);
    check_err("tgsigqueueinfo_bad_ids", syscall(SYS_rt_tgsigqueueinfo, 0, tid, SIGUSR1, &si), EINVAL);

    check_err("tgkill_bad_signal", syscall(SYS_tgkill, me, tid, 65), EINVAL);
    check_err("tgkill_negative_tid", syscall(SYS_tgkill, me, -1, 0), EINVAL);
    check_err("tgkill_zero_tgid", syscall(SYS_tgkill, 0, tid, 0), EINVAL);
    check_err("tkill_zero", syscall(SYS_tkill, 0, 0), EINVAL);

    // A thread of another process: reachable by tkill and by tgkill with
    // its own group, not with ours.
    pipe(pipefd);
    pid_t child = fork();
    if (child == 0) {
        _exit(two_threads(NULL));
    }
    pid_t ctid = 0;
    read(pipefd[0], &ctid, sizeof ctid);
    check_true("child_thread_tid", ctid != child && ctid > 0, "tid %d pid %d", ctid, child);
    check_eq("tkill_other_process_thread", syscall(SYS_tkill, ctid, 0), 0);
    check_eq("tgkill_other_process_thread", syscall(SYS_tgkill, child, ctid, 0), 0);
    check_err("tgkill_tid_not_in_group", syscall(SYS_tgkill, me, ctid, 0), ESRCH);
    check_err("tgkill_our_thread_their_group", syscall(SYS_tgkill, child, tid, 0), ESRCH);
    // SIGTERM to that thread ends the whole child process.
    check_eq("tgkill_thread_kills_process", syscall(SYS_tgkill, child, ctid, SIGTERM), 0);
    int st;
    waitpid(child, &st, 0);
    check_eq("child_died_of_sigterm", term_sig(st), SIGTERM);
    check_err("tkill_reaped_thread", syscall(SYS_tkill, ctid, 0), ESRCH);

    // Another user may not signal our thread.
    pid_t target = tid;
    check_eq("other_user_eperm", exit_code(run_child(other_user, &target)), 0);

    stop = 1;
    pthread_join(t, NULL);
    sleep_ms(50);
    check_err("tkill_exited_worker", syscall(SYS_tkill, tid, 0), ESRCH);
    return check_end("thread_signal");
}
