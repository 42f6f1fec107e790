// gettid, set_tid_address, sched_getaffinity/sched_setaffinity by tid,
// sched_yield, and the exit of the leader before its threads: the process
// is no zombie until its last thread exits, and reports the leader's code.
#include "ptest.h"
#include <pthread.h>

static volatile pid_t worker_tid;
static volatile int worker_stop;

static void* worker(void* a) {
    (void)a;
    worker_tid = (pid_t)syscall(SYS_gettid);
    while (!worker_stop) {
        sched_yield();
    }
    return NULL;
}

static int pipefd[2];
static void* last_thread(void* a) {
    (void)a;
    sleep_ms(300);
    char c = getppid() > 0 ? 'y' : 'n';
    write(pipefd[1], &c, 1);
    syscall(SYS_exit, 5);
    return NULL;
}

static int leader_exits_first(void* a) {
    (void)a;
    pthread_t t;
    pthread_create(&t, NULL, last_thread, NULL);
    syscall(SYS_exit, 3); // the leader alone
    return 9;
}

int main(void) {
    check_start(NULL);
    pid_t me = getpid();
    check_eq("gettid_main_is_pid", syscall(SYS_gettid), me);
    int dummy;
    check_eq("set_tid_address_returns_tid", syscall(SYS_set_tid_address, &dummy), me);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (worker_tid == 0) {
        sched_yield();
    }
    check_true("worker_tid_distinct", worker_tid != me && worker_tid > 0, "tid %d", worker_tid);
    unsigned long mask[4] = {0};
    long n = syscall(SYS_sched_getaffinity, worker_tid, sizeof mask, mask);
    check_true("getaffinity_worker", n >= 8 && (mask[0] & 1), "n %ld mask %lx", n, mask[0]);
    check_err("getaffinity_len_odd", syscall(SYS_sched_getaffinity, 0, 7, mask), EINVAL);
    check_err("getaffinity_no_such", syscall(SYS_sched_getaffinity, 99999, sizeof mask, mask), ESRCH);
    check_err("getaffinity_efault", syscall(SYS_sched_getaffinity, 0, sizeof mask, (void*)1), EFAULT);
    unsigned long one = 1;
    check_eq("setaffinity_cpu0_worker", syscall(SYS_sched_setaffinity, worker_tid, sizeof one, &one), 0);
    unsigned long none = 0;
    check_err("setaffinity_empty", syscall(SYS_sched_setaffinity, 0, sizeof none, &none), EINVAL);
    check_err("setaffinity_no_such", syscall(SYS_sched_setaffinity, 99999, sizeof one, &one), ESRCH);
    check_err("setaffinity_efault", syscall(SYS_sched_setaffinity, 0, sizeof one, (void*)1), EFAULT);
    check_eq("sched_yield", sched_yield(), 0);
    worker_stop = 1;
    pthread_join(t, NULL);

    pipe(pipefd);
    pid_t pid = fork();
    if (pid == 0) {
        _exit(leader_exits_first(NULL));
    }
    sleep_ms(100);
    int st = 0;
    check_eq("not_zombie_while_thread_runs", waitpid(pid, &st, WNOHANG), 0);
    char c = 0;
    read(pipefd[0], &c, 1);
    check_eq("last_thread_ran", c, 'y');
    check_eq("reaped_after_last_thread", waitpid(pid, &st, 0), pid);
    // The last thread's code, not the leader's (Linux 6.1).
    check_true("last_thread_exit_code", WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x", st);
    return check_end("thread_sched");
}
