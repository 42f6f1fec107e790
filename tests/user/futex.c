// futex(2): WAIT (EAGAIN on a changed value, ETIMEDOUT, EINTR by a
// handler), WAKE counts, WAIT_BITSET/WAKE_BITSET masks and absolute
// timeouts, REQUEUE and CMP_REQUEUE (EAGAIN on mismatch), a shared futex
// across fork in MAP_SHARED memory, and EFAULT/EINVAL/ENOSYS.
#include "ptest.h"
#include <pthread.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static long fx(void* addr, int op, long val, const void* ts, void* addr2, long val3) {
    return syscall(SYS_futex, addr, op, val, ts, addr2, val3);
}

static int fa, fb;
static volatile int woken_count;
static volatile long wait_ret[8];

struct waiter {
    int* addr;
    int op;
    int bits;
    int idx;
};

static void* waiter(void* arg) {
    struct waiter* w = arg;
    long r = fx(w->addr, w->op, 0, NULL, NULL, w->bits);
    wait_ret[w->idx] = r == 0 ? 0 : -errno;
    __atomic_add_fetch(&woken_count, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void on_usr1(int s) { (void)s; }

static int eintr_child(void* arg) {
    (void)arg;
    on_signal(SIGUSR1, on_usr1, 0);
    static int word;
    long r = fx(&word, FUTEX_WAIT, 0, NULL, NULL, 0);
    return r == -1 && errno == EINTR ? 0 : 1;
}

int main(void) {
    check_start(NULL);
    struct timespec ts = {0, 50 * 1000000};
    fa = 1;
    check_err("wait_value_changed_eagain", fx(&fa, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
    fa = 0;
    check_err("wait_timeout", fx(&fa, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, NULL, 0), ETIMEDOUT);
    check_eq("wake_nobody", fx(&fa, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    struct timespec bad = {0, 1000000000};
    check_err("wait_bad_timespec", fx(&fa, FUTEX_WAIT, 0, &bad, NULL, 0), EINVAL);
    check_err("wait_efault", fx((void*)8, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
    check_err("wait_unaligned", fx((char*)&fa + 1, FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL);
    check_err("bad_op_enosys", fx(&fa, 99, 0, NULL, NULL, 0), ENOSYS);
    check_err("wait_bitset_zero", fx(&fa, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0), EINVAL);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    check_err("wait_bitset_abs_past", fx(&fa, FUTEX_WAIT_BITSET, 0, &now, NULL, -1), ETIMEDOUT);
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 20000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++, now.tv_nsec -= 1000000000;
    }
    check_err("wait_bitset_realtime_abs", fx(&fa, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &now, NULL, -1),
              ETIMEDOUT);

    // One waiter woken: WAKE returns 1, the waiter returns 0.
    pthread_t t[4];
    struct waiter w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct waiter){&fa, FUTEX_WAIT, 0, i};
    }
    pthread_create(&t[0], NULL, waiter, &w[0]);
    sleep_ms(50);
    check_eq("wake_one", fx(&fa, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    pthread_join(t[0], NULL);
    check_eq("waiter_returns_0", wait_ret[0], 0);

    // Bitsets: a wake whose mask does not meet the waiter's wakes nobody.
    w[1] = (struct waiter){&fa, FUTEX_WAIT_BITSET, 0x1, 1};
    pthread_create(&t[1], NULL, waiter, &w[1]);
    sleep_ms(50);
    check_eq("wake_bitset_miss", fx(&fa, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x2), 0);
    check_eq("wake_bitset_hit", fx(&fa, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x3), 1);
    pthread_join(t[1], NULL);

    // Requeue: three waiters on fa; wake one, move the other two to fb.
    woken_count = 0;
    for (int i = 0; i < 3; i++) {
        w[i] = (struct waiter){&fa, FUTEX_WAIT, 0, i};
        pthread_create(&t[i], NULL, waiter, &w[i]);
    }
    sleep_ms(100);
    check_err("cmp_requeue_mismatch", fx(&fa, FUTEX_CMP_REQUEUE, 1, (void*)2L, &fb, 5), EAGAIN);
    check_eq("cmp_requeue", fx(&fa, FUTEX_CMP_REQUEUE, 1, (void*)2L, &fb, 0), 3);
    sleep_ms(50);
    check_eq("requeue_woke_one", woken_count, 1);
    check_eq("wake_old_after_requeue", fx(&fa, FUTEX_WAKE, 10, NULL, NULL, 0), 0);
    check_eq("wake_requeued", fx(&fb, FUTEX_WAKE, 10, NULL, NULL, 0), 2);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
    }
    // Plain REQUEUE (no compare): wake 0, move 1.
    w[0] = (struct waiter){&fa, FUTEX_WAIT, 0, 0};
    pthread_create(&t[0], NULL, waiter, &w[0]);
    sleep_ms(50);
    check_eq("requeue_plain", fx(&fa, FUTEX_REQUEUE, 0, (void*)1L, &fb, 0), 1);
    check_eq("requeue_plain_wake", fx(&fb, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    pthread_join(t[0], NULL);

    // A handler interrupts a wait: EINTR (no SA_RESTART).
    pid_t pid = fork();
    if (pid == 0) {
        _exit(eintr_child(NULL));
    }
    sleep_ms(100);
    kill(pid, SIGUSR1);
    int st;
    waitpid(pid, &st, 0);
    check_eq("wait_eintr", exit_code(st), 0);

    // Shared futex across processes (not FUTEX_PRIVATE).
    int* sh = shared_page();
    *sh = 0;
    pid = fork();
    if (pid == 0) {
        long r = fx(sh, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == 0 && sh[1] == 77 ? 0 : 1);
    }
    sleep_ms(100);
    sh[1] = 77;
    check_eq("private_wake_misses_shared", fx(sh, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), 0);
    check_eq("shared_wake_across_fork", fx(sh, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    waitpid(pid, &st, 0);
    check_eq("shared_waiter_exit", exit_code(st), 0);
    return check_end("futex");
}
