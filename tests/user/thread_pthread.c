// musl pthreads on the kernel's threads: create/join with return values,
// __thread variables per thread, a contended mutex, a condition variable,
// a detached thread, pthread_kill to one thread, errno per thread, and
// many threads at once.
#include "ptest.h"
#include <pthread.h>

static __thread int tls_var = 5;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static volatile int sig_in_thread;
static volatile pid_t sig_tid;

static void* ret_arg(void* a) { return (void*)((long)a * 2); }

static void* tls_worker(void* a) {
    tls_var = (int)(long)a;
    sched_yield();
    return (void*)(long)tls_var;
}

static void* add_worker(void* a) {
    (void)a;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&mu);
        long c = counter;
        if (i % 100 == 0) {
            sched_yield();
        }
        counter = c + 1;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void* cv_waiter(void* a) {
    (void)a;
    pthread_mutex_lock(&mu);
    while (!ready) {
        pthread_cond_wait(&cv, &mu);
    }
    pthread_mutex_unlock(&mu);
    return (void*)1;
}

static void* errno_worker(void* a) {
    (void)a;
    errno = 0;
    close(-1);
    return (void*)(long)errno;
}

static void on_usr1(int s) {
    (void)s;
    sig_tid = (pid_t)syscall(SYS_gettid);
    sig_in_thread = 1;
}

static void* sig_worker(void* a) {
    (void)a;
    while (!sig_in_thread) {
        sched_yield();
    }
    return NULL;
}

static volatile int detached_ran;
static void* detached(void* a) {
    (void)a;
    detached_ran = 1;
    return NULL;
}

int main(void) {
    check_start(NULL);
    pthread_t t[16];
    void* r = NULL;
    check_eq("create", pthread_create(&t[0], NULL, ret_arg, (void*)21), 0);
    check_true("join_value", pthread_join(t[0], &r) == 0 && (long)r == 42, "r %ld", (long)r);
    for (int i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, tls_worker, (void*)(long)(100 + i));
    }
    int tls_ok = 1;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &r);
        tls_ok &= (long)r == 100 + i;
    }
    check_true("tls_per_thread", tls_ok && tls_var == 5, "main tls %d", tls_var);
    for (int i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, add_worker, NULL);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    check_eq("mutex_counter", counter, 4000);
    pthread_create(&t[0], NULL, cv_waiter, NULL);
    sleep_ms(50);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    check_true("condvar", pthread_join(t[0], &r) == 0 && (long)r == 1, "r %ld", (long)r);
    errno = 0;
    pthread_create(&t[0], NULL, errno_worker, NULL);
    pthread_join(t[0], &r);
    check_true("errno_per_thread", (long)r == EBADF && errno == 0, "thread %ld main %d", (long)r, errno);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    check_eq("create_detached", pthread_create(&t[0], &at, detached, NULL), 0);
    while (!detached_ran) {
        sched_yield();
    }
    check_eq("detached_ran", detached_ran, 1);
    on_signal(SIGUSR1, on_usr1, 0);
    pthread_create(&t[0], NULL, sig_worker, NULL);
    pid_t main_tid = (pid_t)syscall(SYS_gettid);
    mask_one(SIG_BLOCK, SIGUSR1); // only the worker can take it
    check_eq("pthread_kill", pthread_kill(t[0], SIGUSR1), 0);
    pthread_join(t[0], NULL);
    check_true("signal_in_worker", sig_in_thread && sig_tid != main_tid, "tid %d", sig_tid);
    mask_one(SIG_UNBLOCK, SIGUSR1);
    int made = 0;
    for (int i = 0; i < 16; i++) {
        made += pthread_create(&t[i], NULL, ret_arg, (void*)(long)i) == 0;
    }
    long sum = 0;
    for (int i = 0; i < made; i++) {
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    check_true("sixteen_threads", made == 16 && sum == 240, "made %d sum %ld", made, sum);
    return check_end("thread_pthread");
}
