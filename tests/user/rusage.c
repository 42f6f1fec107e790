// CPU-time accounting: getrusage (RUSAGE_SELF grows with work, RUSAGE_THREAD
// of a single thread within RUSAGE_SELF, EFAULT, EINVAL), wait4's rusage
// (a busy child's time, a sleeping child's near nothing), RUSAGE_CHILDREN
// counting only waited-for children and including grandchildren the
// child waited for, times(2).
#include "ptest.h"
#include <sys/times.h>

static long us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }
static long cpu_us(const struct rusage* r) { return us(r->ru_utime) + us(r->ru_stime); }

static void burn(unsigned long n) {
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < n; i++) {
        x += i;
    }
}

// Forks a child that burns, waits for it with wait4, publishes the
// rusage wait4 gave in *arg, and exits.
static int parent_of_burner(void* arg) {
    long* out = arg;
    pid_t pid = fork();
    if (pid == 0) {
        burn(30000000UL);
        _exit(0);
    }
    struct rusage r;
    int st;
    if (wait4(pid, &st, 0, &r) != pid) {
        return 1;
    }
    out[0] = cpu_us(&r);
    return 0;
}

int main(void) {
    check_start(NULL);
    struct rusage a, b, t;
    getrusage(RUSAGE_SELF, &a);
    burn(30000000UL);
    getrusage(RUSAGE_SELF, &b);
    check_true("self_utime_grows", us(b.ru_utime) > us(a.ru_utime), "%ld -> %ld", us(a.ru_utime), us(b.ru_utime));
    getrusage(RUSAGE_THREAD, &t);
    getrusage(RUSAGE_SELF, &b);
    check_true("thread_within_self", cpu_us(&t) <= cpu_us(&b) + 20000 && cpu_us(&t) > 0, "thread %ld self %ld",
               cpu_us(&t), cpu_us(&b));
    check_err("getrusage_efault", syscall(SYS_getrusage, RUSAGE_SELF, 8), EFAULT);
    check_err("getrusage_both_einval", syscall(SYS_getrusage, -2, &a), EINVAL);

    // A busy child: wait4 reports its time; a sleeping one's is small.
    pid_t pid = fork();
    if (pid == 0) {
        burn(30000000UL);
        _exit(0);
    }
    struct rusage r;
    int st;
    check_true("wait4_rusage_busy_child", wait4(pid, &st, 0, &r) == pid && us(r.ru_utime) > 0, "utime %ld",
               us(r.ru_utime));
    pid = fork();
    if (pid == 0) {
        sleep_ms(400);
        _exit(0);
    }
    check_true("wait4_rusage_sleep_is_not_cpu", wait4(pid, &st, 0, &r) == pid && cpu_us(&r) < 200000, "cpu %ld",
               cpu_us(&r));

    // RUSAGE_CHILDREN: unchanged by a zombie not yet waited for.
    struct rusage c0, c1, c2;
    getrusage(RUSAGE_CHILDREN, &c0);
    pid = fork();
    if (pid == 0) {
        burn(30000000UL);
        _exit(0);
    }
    siginfo_t si;
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT); // a zombie now
    getrusage(RUSAGE_CHILDREN, &c1);
    check_eq("children_exclude_unwaited", cpu_us(&c1), cpu_us(&c0));
    waitpid(pid, &st, 0);
    getrusage(RUSAGE_CHILDREN, &c2);
    check_true("children_include_waited", cpu_us(&c2) > cpu_us(&c1), "%ld -> %ld", cpu_us(&c1), cpu_us(&c2));

    // A grandchild's time reaches us through the child that waited for it.
    long* got = shared_page();
    getrusage(RUSAGE_CHILDREN, &c0);
    run_child(parent_of_burner, got);
    getrusage(RUSAGE_CHILDREN, &c1);
    check_true("children_include_grandchildren", got[0] > 0 && cpu_us(&c1) - cpu_us(&c0) >= got[0],
               "grandchild %ld, delta %ld", got[0], cpu_us(&c1) - cpu_us(&c0));

    struct tms tm;
    clock_t now = times(&tm);
    check_true("times_children_ticks", now != (clock_t)-1 && tm.tms_cutime + tm.tms_cstime > 0 &&
                                           tm.tms_utime + tm.tms_stime > 0,
               "cu %ld cs %ld u %ld", (long)tm.tms_cutime, (long)tm.tms_cstime, (long)tm.tms_utime);
    check_true("times_null_ok", times(NULL) != (clock_t)-1, "-1");
    check_err("times_efault", syscall(SYS_times, 8), EFAULT);
    return check_end("rusage");
}
