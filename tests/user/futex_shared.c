// Futex keys as Linux's get_futex_key: a shared futex in a MAP_SHARED
// mapping is named by the mapped object and offset (processes meet at
// different addresses, anonymous or file), one in private memory by
// (process, address) (another process's word at the same address is not
// the same futex), and the private name differs from the shared one.
#include "ptest.h"
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#include <pthread.h>

static long fx(int* a, int op, int v, const struct timespec* ts) {
    return syscall(SYS_futex, a, op, v, ts, NULL, 0);
}

static int* g_word;
static volatile int waiting;
static void* private_waiter(void* a) {
    (void)a;
    waiting = 1;
    return (void*)fx(g_word, FUTEX_WAIT_PRIVATE, 0, NULL);
}

int main(void) {
    check_start(NULL);
    // A MAP_SHARED anonymous page across fork.
    int* sh = shared_page();
    check_require("shared_page", sh != NULL);
    sh[0] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {5, 0};
        long r = fx(&sh[0], FUTEX_WAIT, 0, &ts);
        _exit(r == 0 ? 0 : 1);
    }
    sleep_ms(100);
    check_eq("shared_anon_wake_across_fork", fx(&sh[0], FUTEX_WAKE, 1, NULL), 1);
    int st;
    waitpid(pid, &st, 0);
    check_eq("shared_anon_waiter_woken", exit_code(st), 0);

    // Private memory at the same address in two processes: two futexes.
    static int priv_word;
    priv_word = 0;
    pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 300000000};
        long r = fx(&priv_word, FUTEX_WAIT, 0, &ts);
        _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    sleep_ms(100);
    check_eq("private_memory_other_process_not_woken", fx(&priv_word, FUTEX_WAKE, 1, NULL), 0);
    waitpid(pid, &st, 0);
    check_eq("private_memory_waiter_timed_out", exit_code(st), 0);

    // A file mapped MAP_SHARED at another address in the child.
    int fd = open("/futex_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    check_require("file", fd >= 0 && ftruncate(fd, 8192) == 0);
    int* fa = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_require("file_map", fa != MAP_FAILED);
    fa[1024 + 3] = 0;
    pid = fork();
    if (pid == 0) {
        int* fb = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (fb == MAP_FAILED || fb == fa) {
            _exit(2);
        }
        struct timespec ts = {5, 0};
        long r = fx(&fb[1024 + 3], FUTEX_WAIT, 0, &ts);
        _exit(r == 0 ? 0 : 1);
    }
    sleep_ms(100);
    check_eq("file_wake_other_address", fx(&fa[1024 + 3], FUTEX_WAKE, 1, NULL), 1);
    waitpid(pid, &st, 0);
    check_eq("file_waiter_woken", exit_code(st), 0);

    // In one process: a private waiter in a shared mapping is not woken by a
    // shared wake, only by a private one.
    g_word = &sh[1];
    sh[1] = 0;
    pthread_t t;
    pthread_create(&t, NULL, private_waiter, NULL);
    while (!waiting) {
        sleep_ms(5);
    }
    sleep_ms(50);
    check_eq("shared_wake_misses_private", fx(&sh[1], FUTEX_WAKE, 1, NULL), 0);
    check_eq("private_wake_hits_private", fx(&sh[1], FUTEX_WAKE_PRIVATE, 1, NULL), 1);
    void* r;
    pthread_join(t, &r);
    check_eq("private_waiter_returned_0", (long)r, 0);
    check_err("shared_wake_unmapped_efault", fx((int*)0x10000, FUTEX_WAKE, 1, NULL), EFAULT);
    return check_end("futex_shared");
}
