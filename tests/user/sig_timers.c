// alarm and interval timers: SIGALRM arrives, alarm returns the seconds
// left of the previous alarm and alarm(0) cancels, setitimer(ITIMER_REAL)
// one-shot and periodic, getitimer counting down, the old value returned,
// EINVAL for a bad timer or microseconds, the default SIGALRM action
// killing a child, timers not inherited by fork.
#include "ptest.h"
#include <sys/time.h>

static volatile int alarms;
static void on_alrm(int s) {
    (void)s;
    alarms++;
}

static int default_alarm_child(void* arg) {
    (void)arg;
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    for (int i = 0; i < 30; i++) {
        sleep_ms(100);
    }
    return 0;
}

static int fork_timer_child(void* arg) {
    (void)arg;
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    return cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 && alarm(0) == 0 ? 0 : 1;
}

int main(void) {
    check_start(NULL);
    on_signal(SIGALRM, on_alrm, 0);
    check_eq("alarm_none_before", alarm(5), 0);
    unsigned left = alarm(0);
    check_true("alarm_returns_left", left == 5 || left == 4, "left %u", left);
    check_eq("alarm_cancelled", alarm(0), 0);
    alarms = 0;
    alarm(1);
    sleep_ms(1500);
    check_eq("alarm_fired", alarms, 1);

    struct itimerval it = {{0, 0}, {0, 200000}}, old, cur;
    check_eq("setitimer_oneshot", setitimer(ITIMER_REAL, &it, NULL), 0);
    check_true("getitimer_counts_down", getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 &&
                                            cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 200000,
               "usec %ld", (long)cur.it_value.tv_usec);
    alarms = 0;
    sleep_ms(400);
    check_eq("oneshot_fired_once", alarms, 1);
    getitimer(ITIMER_REAL, &cur);
    check_true("oneshot_disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "usec %ld",
               (long)cur.it_value.tv_usec);

    struct itimerval per = {{0, 100000}, {0, 100000}};
    alarms = 0;
    setitimer(ITIMER_REAL, &per, NULL);
    while (alarms < 5) {
        pause();
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    check_true("periodic_interval_kept", setitimer(ITIMER_REAL, &off, &old) == 0 && old.it_interval.tv_usec == 100000,
               "interval %ld", (long)old.it_interval.tv_usec);
    check_eq("periodic_five", alarms, 5);
    sleep_ms(300);
    check_eq("stopped_no_more", alarms, 5);

    struct itimerval bad = {{0, 0}, {0, 1000000}};
    check_err("usec_out_of_range", setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    check_err("bad_which", setitimer(7, &it, NULL), EINVAL);
    check_err("getitimer_efault", getitimer(ITIMER_REAL, (struct itimerval*)8), EFAULT);

    alarm(10);
    check_eq("timer_not_inherited", exit_code(run_child(fork_timer_child, NULL)), 0);
    alarm(0);
    check_eq("default_alarm_kills", term_sig(run_child(default_alarm_child, NULL)), SIGALRM);
    return check_end("sig_timers");
}
