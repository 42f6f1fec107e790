// What a shell and libc touch besides: uname, sysinfo, getrusage (self,
// children after a wait), times, sched_yield, sched_getaffinity,
// prctl(PR_SET_NAME/PR_GET_NAME) inherited by fork, set_robust_list,
// getrandom (flags, EINVAL, EFAULT), umask inherited.
#include "ptest.h"
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>

static int name_child(void* arg) {
    (void)arg;
    char n[16] = {0};
    prctl(PR_GET_NAME, n);
    return strcmp(n, "tester") == 0 && umask(0) == 027 ? 0 : 1;
}

static int burn(void* arg) {
    (void)arg;
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 20000000UL; i++) {
        x += i;
    }
    return 0;
}

int main(void) {
    check_start(NULL);
    struct utsname u;
    check_true("uname", uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0,
               "%s %s", u.sysname, u.machine);
    check_err("uname_efault", syscall(SYS_uname, 8), EFAULT);
    struct sysinfo si;
    check_true("sysinfo", sysinfo(&si) == 0 && si.totalram > 0 && si.procs >= 1 && si.mem_unit >= 1,
               "procs %d", si.procs);
    check_eq("sched_yield", sched_yield(), 0);
    cpu_set_t set;
    CPU_ZERO(&set);
    check_true("sched_getaffinity_cpu0", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set), "cpu0 not set");
    check_err("sched_getaffinity_small", syscall(SYS_sched_getaffinity, 0, 1, &set), EINVAL);
    check_eq("set_name", prctl(PR_SET_NAME, "tester-long-name-cut"), 0);
    char n[16] = {0};
    prctl(PR_GET_NAME, n);
    check_str("get_name_truncated", n, "tester-long-nam");
    prctl(PR_SET_NAME, "tester");
    umask(027);
    check_eq("name_umask_inherited", exit_code(run_child(name_child, NULL)), 0);
    umask(022);
    long head[3] = {0, 0, 0};
    check_eq("set_robust_list", syscall(SYS_set_robust_list, head, 24), 0);
    check_err("set_robust_list_bad_len", syscall(SYS_set_robust_list, head, 23), EINVAL);

    struct rusage ru0, ru;
    getrusage(RUSAGE_CHILDREN, &ru0);
    run_child(burn, NULL);
    check_true("rusage_children_grows",
               getrusage(RUSAGE_CHILDREN, &ru) == 0 &&
                   (ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L +
                    ru.ru_stime.tv_usec) >
                       (ru0.ru_utime.tv_sec * 1000000L + ru0.ru_utime.tv_usec),
               "no child time");
    check_err("getrusage_bad_who", getrusage(5, &ru), EINVAL);
    struct tms tm;
    check_true("times", times(&tm) != (clock_t)-1 && tm.tms_cutime + tm.tms_cstime > 0, "cutime %ld",
               (long)tm.tms_cutime);
    unsigned char r1[32], r2[32];
    check_eq("getrandom", getrandom(r1, sizeof r1, 0), 32);
    getrandom(r2, sizeof r2, GRND_NONBLOCK);
    check_true("getrandom_differs", memcmp(r1, r2, 32) != 0, "same bytes twice");
    check_err("getrandom_bad_flags", getrandom(r1, 8, 0x40), EINVAL);
    check_err("getrandom_efault", syscall(SYS_getrandom, 8, 8, 0), EFAULT);
    return check_end("proc_misc");
}
