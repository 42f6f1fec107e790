// More resource limits: prlimit on another process (same ids, root, other
// user: EPERM), prlimit's order of checks (EFAULT of the new value, then
// ESRCH), setrlimit EFAULT, limits kept across execve, RLIMIT_FSIZE
// cutting a write at the limit, RLIMIT_NPROC not binding root, and a real
// fork bomb of a non-root user under RLIMIT_NPROC: it ends in EAGAIN, its
// processes are killed and reaped, the user's count goes back down and
// the machine lives.
#include "ptest.h"

static char* self_path = "/init";

static int prlimit_from(void* arg) {
    pid_t target = (pid_t)(long)arg;
    struct rlimit r;
    if (setuid(2000) != 0) {
        return 1;
    }
    if (prlimit(target, RLIMIT_NOFILE, NULL, &r) != -1 || errno != EPERM) {
        return 2;
    }
    r.rlim_cur = r.rlim_max = 10;
    return prlimit(target, RLIMIT_NOFILE, &r, NULL) == -1 && errno == EPERM ? 0 : 3;
}

static int prlimit_same_uid(void* arg) {
    pid_t target = (pid_t)(long)arg;
    struct rlimit r;
    if (setuid(1000) != 0) {
        return 1;
    }
    return prlimit(target, RLIMIT_NOFILE, NULL, &r) == 0 && r.rlim_cur == 33 ? 0 : 2;
}

static int exec_keeps(void* arg) {
    (void)arg;
    struct rlimit r = {50, 60};
    setrlimit(RLIMIT_NOFILE, &r);
    char* argv[] = {self_path, "show-nofile", NULL};
    execve(self_path, argv, NULL);
    return 99;
}

// execve with `n` strings of 100 KB under RLIMIT_STACK `stack`; 0 if it
// ran, else its errno.
static int exec_args(long stack, int n) {
    struct rlimit r = {stack, RLIM_INFINITY};
    setrlimit(RLIMIT_STACK, &r);
    static char s[100 * 1024];
    memset(s, 'a', sizeof s - 1);
    char* argv[80];
    argv[0] = self_path;
    argv[1] = "exit0";
    for (int i = 0; i < n; i++) {
        argv[2 + i] = s;
    }
    argv[2 + n] = NULL;
    execve(self_path, argv, NULL);
    return errno;
}

static int small_stack_e2big(void* arg) {
    (void)arg;
    return exec_args(1 << 20, 3); // 300 KB > 1 MiB / 4
}

static int default_stack_runs(void* arg) {
    (void)arg;
    return exec_args(8 << 20, 3);
}

static int big_stack_allows_more(void* arg) {
    (void)arg;
    return exec_args(32 << 20, 30); // 3 MB: over 8 MiB / 4, under 6 MiB
}

static int big_stack_caps_at_6m(void* arg) {
    (void)arg;
    return exec_args(64 << 20, 64); // 6.4 MB > 6 MiB
}

// setuid to a user with 2 processes under RLIMIT_NPROC 1 succeeds; the
// execve after fails with EAGAIN while the user stays over the limit
// (arg 0), runs once it is not (arg 1).
static int setuid_then_exec(void* arg) {
    int drop = (int)(long)arg;
    struct rlimit r = {1, 1};
    setrlimit(RLIMIT_NPROC, &r);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            setuid(1000);
            for (;;) {
                pause();
            }
        }
    }
    sleep_ms(100);
    if (setuid(1000) != 0) {
        return 1;
    }
    if (drop) {
        for (int i = 0; i < 2; i++) {
            kill(kids[i], SIGKILL);
            waitpid(kids[i], NULL, 0);
        }
    }
    char* av[] = {self_path, "exit0", NULL};
    execve(self_path, av, NULL);
    int e = errno;
    for (int i = 0; i < 2; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    return e == EAGAIN ? 0 : 2;
}

static int as_mremap(void* arg) {
    (void)arg;
    struct rlimit r = {64 << 20, 64 << 20};
    setrlimit(RLIMIT_AS, &r);
    void* m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return 1;
    }
    void* big = mremap(m, 1 << 20, 128 << 20, MREMAP_MAYMOVE);
    if (big != MAP_FAILED || errno != ENOMEM) {
        return 2;
    }
    void* more = mremap(m, 1 << 20, 2 << 20, MREMAP_MAYMOVE);
    return more != MAP_FAILED ? 0 : 3;
}

static int fsize_cut(void* arg) {
    (void)arg;
    struct rlimit r = {100, 100};
    setrlimit(RLIMIT_FSIZE, &r);
    int fd = open("/tmp/rl-cut", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char buf[300];
    memset(buf, 'z', sizeof buf);
    if (pwrite(fd, buf, sizeof buf, 40) != 60) {
        return 1;
    }
    struct stat st;
    fstat(fd, &st);
    return st.st_size == 100 && write(fd, buf, 0) == 0 ? 0 : 2;
}

static int root_not_bound(void* arg) {
    (void)arg;
    struct rlimit r = {1, 1};
    setrlimit(RLIMIT_NPROC, &r);
    pid_t pid = fork();
    if (pid == 0) {
        _exit(7);
    }
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && exit_code(st) == 7 ? 0 : 1;
}

// Every process forks until fork fails; the first one then kills the
// user's processes (kill -1) and leaves.
static int bomb(void* arg) {
    int* seen = arg;
    struct rlimit r = {30, 30};
    setrlimit(RLIMIT_NPROC, &r);
    if (setuid(1000) != 0) {
        return 1;
    }
    pid_t top = getpid();
    for (int i = 0; i < 64; i++) {
        pid_t p = fork();
        if (p < 0) {
            __atomic_add_fetch(&seen[errno == EAGAIN ? 0 : 1], 1, __ATOMIC_SEQ_CST);
            break;
        }
    }
    if (getpid() != top) {
        for (;;) {
            pause();
        }
    }
    sleep_ms(500);
    kill(-1, SIGKILL);
    return seen[0] > 0 && seen[1] == 0 ? 0 : 2;
}

// After the bomb: user 1000 may have 2 processes again.
static int count_released(void* arg) {
    (void)arg;
    struct rlimit r = {2, 2};
    setrlimit(RLIMIT_NPROC, &r);
    if (setuid(1000) != 0) {
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        return 2;
    }
    if (pid == 0) {
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    pid_t a = fork();
    if (a == 0) {
        pause();
        _exit(0);
    }
    // Two now (this one and a): a third is refused.
    pid_t b = fork();
    int e = errno;
    if (b == 0) {
        _exit(0);
    }
    kill(a, SIGKILL);
    waitpid(a, NULL, 0);
    return a > 0 && b == -1 && e == EAGAIN ? 0 : 3;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "show-nofile") == 0) {
        struct rlimit r;
        getrlimit(RLIMIT_NOFILE, &r);
        _exit(r.rlim_cur == 50 && r.rlim_max == 60 ? 0 : 1);
    }
    if (argc > 1 && strcmp(argv[1], "exit0") == 0) {
        _exit(0);
    }
    check_start(NULL);
    pid_t a = paused_child(1000);
    sleep_ms(50);
    struct rlimit r = {33, 4096}, back;
    check_eq("prlimit_other_pid_root", prlimit(a, RLIMIT_NOFILE, &r, NULL), 0);
    check_true("prlimit_other_pid_read_back",
               prlimit(a, RLIMIT_NOFILE, NULL, &back) == 0 && back.rlim_cur == 33 && back.rlim_max == 4096,
               "%ld %ld", (long)back.rlim_cur, (long)back.rlim_max);
    check_eq("prlimit_same_ids_allowed", exit_code(run_child(prlimit_same_uid, (void*)(long)a)), 0);
    check_eq("prlimit_other_user_eperm", exit_code(run_child(prlimit_from, (void*)(long)a)), 0);
    kill(a, SIGKILL);
    waitpid(a, NULL, 0);
    check_err("prlimit_new_efault_before_esrch", syscall(SYS_prlimit64, 99999, RLIMIT_NOFILE, 8, 0), EFAULT);
    check_err("prlimit_esrch_before_resource", prlimit(99999, 99, NULL, &back), ESRCH);
    check_err("prlimit_bad_resource", prlimit(0, 16, NULL, &back), EINVAL);
    check_err("setrlimit_efault", syscall(SYS_setrlimit, RLIMIT_NOFILE, 8), EFAULT);
    check_err("setrlimit_bad_resource", setrlimit(16, &r), EINVAL);
    check_eq("limits_kept_across_exec", exit_code(run_child(exec_keeps, NULL)), 0);
    check_eq("stack_rlimit_small_e2big", exit_code(run_child(small_stack_e2big, NULL)), E2BIG);
    check_eq("stack_rlimit_default_runs", exit_code(run_child(default_stack_runs, NULL)), 0);
    check_eq("stack_rlimit_big_allows_more", exit_code(run_child(big_stack_allows_more, NULL)), 0);
    check_eq("stack_rlimit_args_cap_6m", exit_code(run_child(big_stack_caps_at_6m, NULL)), E2BIG);
    check_eq("as_mremap_grow_enomem", exit_code(run_child(as_mremap, NULL)), 0);
    check_eq("fsize_write_cut_at_limit", exit_code(run_child(fsize_cut, NULL)), 0);
    check_eq("setuid_over_nproc_exec_eagain", exit_code(run_child(setuid_then_exec, (void*)0)), 0);
    check_eq("setuid_over_nproc_exec_after_drop", exit_code(run_child(setuid_then_exec, (void*)1)), 0);
    check_eq("nproc_does_not_bind_root", exit_code(run_child(root_not_bound, NULL)), 0);

    int* seen = shared_page();
    check_eq("fork_bomb_ends_in_eagain", exit_code(run_child(bomb, seen)), 0);
    // The bomb's orphans came to init: reap them all.
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    check_eq("bomb_reaped_all", errno, ECHILD);
    check_eq("nproc_count_released", exit_code(run_child(count_released, NULL)), 0);
    pid_t pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    int st;
    check_true("alive_after_bomb", pid > 0 && waitpid(pid, &st, 0) == pid, "fork %d", pid);
    return check_end("rlimit_more");
}
