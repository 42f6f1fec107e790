// Waiting for signals and being interrupted by them: alarm (return value,
// cancel), pause and nanosleep interrupted (EINTR, remaining time),
// SA_RESTART does not restart nanosleep, sigsuspend (temporary mask,
// restored after the handler), sigtimedwait (pending, timeout, EAGAIN,
// EINVAL), setitimer/getitimer ITIMER_REAL with an interval.
#include "check.h"
#include <sys/time.h>
#include <time.h>

static volatile int alrm, usr1;
static volatile unsigned long mask_in_handler;

static void on_alrm(int s) {
    (void)s;
    alrm++;
    unsigned long m = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
    mask_in_handler = m;
}
static void on_usr1(int s) {
    (void)s;
    usr1++;
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_handler(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void arm_ms(long ms) {
    struct itimerval v = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &v, NULL);
}

#define BIT(s) (1ul << ((s) - 1))

int main(void) {
    check_start(NULL);
    set_handler(SIGALRM, on_alrm, 0);

    // alarm: the previous alarm's seconds come back; 0 cancels.
    check_eq("alarm_first", alarm(100), 0);
    check_eq("alarm_prev", alarm(50), 100);
    check_eq("alarm_cancel", alarm(0), 50);
    check_eq("alarm_none", alarm(0), 0);

    // pause until the alarm (an itimer of 100 ms).
    long t0 = now_ms();
    arm_ms(100);
    check_err("pause_eintr", pause(), EINTR);
    long dt = now_ms() - t0;
    check_eq("pause_alarm", alrm, 1);
    check_true("pause_waited", dt >= 90 && dt < 2000, "%ld ms", dt);

    // nanosleep interrupted: EINTR and the time left.
    struct timespec req = {5, 0}, rem = {0, 0};
    arm_ms(100);
    t0 = now_ms();
    check_err("nanosleep_eintr", nanosleep(&req, &rem), EINTR);
    dt = now_ms() - t0;
    check_true("nanosleep_short", dt < 2000, "%ld ms", dt);
    check_true("nanosleep_rem", rem.tv_sec >= 3 && rem.tv_sec <= 4, "rem %ld", (long)rem.tv_sec);
    // SA_RESTART does not restart nanosleep (Linux: EINTR regardless).
    set_handler(SIGALRM, on_alrm, SA_RESTART);
    arm_ms(100);
    check_err("nanosleep_sa_restart_eintr", nanosleep(&req, &rem), EINTR);
    // clock_nanosleep returns the error number itself.
    arm_ms(100);
    check_eq("clock_nanosleep_eintr", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_sec += 5;
    arm_ms(100);
    check_eq("clock_nanosleep_abs_eintr", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), EINTR);
    // An ignored signal does not interrupt.
    signal(SIGALRM, SIG_IGN);
    struct timespec shortreq = {0, 300000000};
    arm_ms(50);
    t0 = now_ms();
    check_eq("ignored_no_eintr", nanosleep(&shortreq, NULL), 0);
    dt = now_ms() - t0;
    check_true("ignored_slept", dt >= 290, "%ld ms", dt);
    set_handler(SIGALRM, on_alrm, 0);

    // sigsuspend: waits with a temporary mask, then the old mask returns.
    sigset_t block, old, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    arm_ms(50);
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR1);
    alrm = 0;
    check_err("sigsuspend_eintr", sigsuspend(&wait_mask), EINTR);
    check_eq("sigsuspend_ran", alrm, 1);
    check_eq("sigsuspend_handler_mask", (mask_in_handler & (BIT(SIGALRM) | BIT(SIGUSR1))) ==
                                            (BIT(SIGALRM) | BIT(SIGUSR1)), 1);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    check_eq("sigsuspend_mask_back", sigismember(&cur, SIGALRM) && sigismember(&cur, SIGUSR1), 1);
    check_err("sigsuspend_size", syscall(SYS_rt_sigsuspend, &wait_mask, 4), EINVAL);
    check_err("sigsuspend_efault", syscall(SYS_rt_sigsuspend, 16, 8), EFAULT);

    // sigtimedwait: a pending blocked signal is taken without its handler.
    set_handler(SIGUSR1, on_usr1, 0);
    kill(getpid(), SIGUSR1);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    struct timespec zero = {0, 0};
    sigset_t want;
    sigemptyset(&want);
    sigaddset(&want, SIGUSR1);
    check_eq("sigtimedwait_pending", sigtimedwait(&want, &si, &zero), SIGUSR1);
    check_eq("sigtimedwait_info", si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(), 1);
    check_eq("sigtimedwait_no_handler", usr1, 0);
    check_err("sigtimedwait_eagain", sigtimedwait(&want, &si, &zero), EAGAIN);
    struct timespec t100 = {0, 100000000};
    t0 = now_ms();
    check_err("sigtimedwait_timeout", sigtimedwait(&want, &si, &t100), EAGAIN);
    dt = now_ms() - t0;
    check_true("sigtimedwait_waited", dt >= 90 && dt < 2000, "%ld ms", dt);
    // A blocked signal that arrives during the wait is taken.
    sigaddset(&want, SIGALRM);
    arm_ms(50);
    struct timespec t5 = {5, 0};
    check_eq("sigtimedwait_arrives", sigtimedwait(&want, &si, &t5), SIGALRM);
    check_eq("sigtimedwait_alrm_code", si.si_code, SI_KERNEL);
    struct timespec badts = {0, 1000000000};
    check_err("sigtimedwait_einval", sigtimedwait(&want, &si, &badts), EINVAL);
    check_err("sigtimedwait_size", syscall(SYS_rt_sigtimedwait, &want, &si, &zero, 4), EINVAL);
    // An unblocked, handled signal interrupts the wait: EINTR.
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigemptyset(&want);
    sigaddset(&want, SIGUSR2);
    arm_ms(50);
    alrm = 0;
    // (the raw call: musl's sigtimedwait retries on EINTR)
    check_err("sigtimedwait_eintr", syscall(SYS_rt_sigtimedwait, &want, &si, &t5, 8), EINTR);
    check_eq("sigtimedwait_eintr_handler", alrm, 1);

    // setitimer with an interval: fires repeatedly; getitimer reads it.
    struct itimerval iv = {{0, 50000}, {0, 50000}}, got, prev;
    check_eq("setitimer", setitimer(ITIMER_REAL, &iv, NULL), 0);
    check_eq("getitimer", getitimer(ITIMER_REAL, &got), 0);
    check_eq("getitimer_interval", got.it_interval.tv_usec, 50000);
    check_true("getitimer_value", got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 &&
                                      got.it_value.tv_usec <= 50000, "%ld", (long)got.it_value.tv_usec);
    alrm = 0;
    while (alrm < 3) {
        pause();
    }
    check_eq("interval_fired", alrm >= 3, 1);
    struct itimerval off = {{0, 0}, {0, 0}};
    check_eq("setitimer_off", setitimer(ITIMER_REAL, &off, &prev), 0);
    check_eq("setitimer_prev_interval", prev.it_interval.tv_usec, 50000);
    getitimer(ITIMER_REAL, &got);
    check_eq("disarmed", got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0, 1);
    check_err("setitimer_bad_which", setitimer(7, &off, NULL), EINVAL);
    struct itimerval badv = {{0, 0}, {0, 1000000}};
    check_err("setitimer_bad_usec", setitimer(ITIMER_REAL, &badv, NULL), EINVAL);
    check_err("getitimer_efault", getitimer(ITIMER_REAL, (struct itimerval*)16), EFAULT);
    check_err("setitimer_efault", setitimer(ITIMER_REAL, (struct itimerval*)16, NULL), EFAULT);
    return check_end("sig_eintr");
}
