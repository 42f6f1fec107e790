// Threads without signals: pthread_create/join (clone with CLONE_THREAD
// and CLONE_CHILD_CLEARTID; join waits on the futex the kernel clears),
// tids, shared memory and fds, a contended mutex and a condition variable
// (futex wait/wake), and exit_group from a thread ending the whole process
// with its status.
#include "ptest.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long total;
static int ready;

static void* adder(void* arg) {
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&mu);
        total += (long)arg;
        pthread_mutex_unlock(&mu);
        if (i % 100 == 0) {
            sched_yield();
        }
    }
    return arg;
}

static void* ids(void* arg) {
    long* out = arg;
    out[0] = getpid();
    out[1] = syscall(SYS_gettid);
    return NULL;
}

static void* waiter(void* arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!ready) {
        pthread_cond_wait(&cv, &mu);
    }
    pthread_mutex_unlock(&mu);
    return (void*)7;
}

static void* group_exit(void* arg) {
    (void)arg;
    syscall(SYS_exit_group, 42);
    return NULL;
}

static int exit_group_child(void* arg) {
    (void)arg;
    pthread_t t;
    pthread_create(&t, NULL, group_exit, NULL);
    for (;;) {
        sched_yield();
    }
    return 0;
}

int main(void) {
    check_start(NULL);
    long info[2] = {0, 0};
    pthread_t t;
    check_eq("create", pthread_create(&t, NULL, ids, info), 0);
    check_eq("join", pthread_join(t, NULL), 0);
    check_true("thread_pid_is_process", info[0] == getpid(), "pid %ld", info[0]);
    check_true("thread_tid_differs", info[1] > 1 && info[1] != getpid(), "tid %ld", info[1]);

    pthread_t ts[4];
    for (long i = 0; i < 4; i++) {
        pthread_create(&ts[i], NULL, adder, (void*)(i + 1));
    }
    long rets = 0;
    for (int i = 0; i < 4; i++) {
        void* r = NULL;
        pthread_join(ts[i], &r);
        rets += (long)r;
    }
    check_eq("mutex_total", total, 2000L * (1 + 2 + 3 + 4));
    check_eq("join_values", rets, 10);

    pthread_t w;
    pthread_create(&w, NULL, waiter, NULL);
    sleep_ms(20);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    void* r = NULL;
    check_eq("cond_join", pthread_join(w, &r), 0);
    check_eq("cond_value", (long)r, 7);

    int st = run_child(exit_group_child, NULL);
    check_eq("exit_group_from_thread", exit_code(st), 42);
    return check_end("proc_threads");
}
