// Resource limits: getrlimit/setrlimit/prlimit round trips, soft above
// hard (EINVAL), raising the hard limit unprivileged (EPERM), RLIMIT_NOFILE
// (EMFILE at the limit, dup2 to a descriptor beyond it EBADF),
// RLIMIT_NPROC (a fork bomb of a non-root user ends in EAGAIN and the
// machine lives), RLIMIT_AS (mmap and brk ENOMEM), RLIMIT_FSIZE (EFBIG
// with SIGXFSZ ignored, SIGXFSZ kills otherwise); limits inherited by fork.
#include "ptest.h"

static int nofile_child(void* arg) {
    (void)arg;
    struct rlimit r = {8, 8};
    if (setrlimit(RLIMIT_NOFILE, &r) != 0) {
        return 1;
    }
    int last = -1;
    for (int i = 0; i < 20; i++) {
        int fd = open("/init", O_RDONLY);
        if (fd < 0) {
            return errno == EMFILE && last == 7 ? 0 : 2;
        }
        last = fd;
    }
    return 3;
}

static int nofile_dup2_child(void* arg) {
    (void)arg;
    struct rlimit r = {8, 8};
    setrlimit(RLIMIT_NOFILE, &r);
    if (dup2(0, 8) != -1 || errno != EBADF) {
        return 1;
    }
    if (fcntl(0, F_DUPFD, 8) != -1 || errno != EINVAL) {
        return 2;
    }
    return dup2(0, 7) == 7 ? 0 : 3;
}

static int nproc_child(void* arg) {
    (void)arg;
    struct rlimit r = {20, 20};
    setrlimit(RLIMIT_NPROC, &r);
    if (setuid(1000) != 0) {
        return 1;
    }
    int made = 0, err = 0;
    pid_t kids[100];
    for (int i = 0; i < 100; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid < 0) {
            err = errno;
            break;
        }
        kids[made++] = pid;
    }
    for (int i = 0; i < made; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    return err == EAGAIN && made > 0 && made < 20 ? 0 : 2;
}

static int as_child(void* arg) {
    (void)arg;
    struct rlimit r = {64 << 20, 64 << 20};
    setrlimit(RLIMIT_AS, &r);
    void* m = mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED || errno != ENOMEM) {
        return 1;
    }
    void* small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (small == MAP_FAILED) {
        return 2;
    }
    long cur = syscall(SYS_brk, 0);
    long got = syscall(SYS_brk, cur + (128 << 20));
    return got == cur ? 0 : 3; // brk refuses: returns the old break
}

static int fsize_child(void* arg) {
    long ignore = (long)arg;
    if (ignore) {
        signal(SIGXFSZ, SIG_IGN);
    }
    struct rlimit r = {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &r);
    int fd = open("/tmp/rl-fsize", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char buf[6000];
    memset(buf, 'x', sizeof buf);
    long w = write(fd, buf, sizeof buf);
    if (w != 4096) {
        return 1;
    }
    return write(fd, "y", 1) == -1 && errno == EFBIG ? 0 : 2;
}

static int inherit_child(void* arg) {
    (void)arg;
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    return r.rlim_cur == 100 && r.rlim_max == 200 ? 0 : 1;
}

int main(void) {
    check_start(NULL);
    struct rlimit r, old;
    check_ok("getrlimit_nofile", getrlimit(RLIMIT_NOFILE, &old));
    r.rlim_cur = 100;
    r.rlim_max = 200;
    check_eq("setrlimit", setrlimit(RLIMIT_NOFILE, &r), 0);
    struct rlimit back;
    check_true("round_trip", getrlimit(RLIMIT_NOFILE, &back) == 0 && back.rlim_cur == 100 && back.rlim_max == 200,
               "%ld %ld", (long)back.rlim_cur, (long)back.rlim_max);
    struct rlimit prev;
    r.rlim_cur = 150;
    check_true("prlimit_old_and_new", prlimit(0, RLIMIT_NOFILE, &r, &prev) == 0 && prev.rlim_cur == 100 &&
                                          getrlimit(RLIMIT_NOFILE, &back) == 0 && back.rlim_cur == 150,
               "prev %ld", (long)prev.rlim_cur);
    r.rlim_cur = 100;
    setrlimit(RLIMIT_NOFILE, &r);
    check_eq("limits_inherited", exit_code(run_child(inherit_child, NULL)), 0);
    r.rlim_cur = 300;
    r.rlim_max = 200;
    check_err("soft_above_hard", setrlimit(RLIMIT_NOFILE, &r), EINVAL);
    check_err("bad_resource", getrlimit(99, &r), EINVAL);
    check_err("getrlimit_efault", syscall(SYS_getrlimit, RLIMIT_NOFILE, 8), EFAULT);
    check_err("prlimit_esrch", prlimit(99999, RLIMIT_NOFILE, NULL, &r), ESRCH);
    setrlimit(RLIMIT_NOFILE, &old);
    pid_t pid = fork();
    if (pid == 0) {
        setuid(1000);
        struct rlimit up = {old.rlim_max + 1, old.rlim_max + 1};
        _exit(setrlimit(RLIMIT_NOFILE, &up) == -1 && errno == EPERM ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    check_eq("raise_hard_unprivileged_eperm", exit_code(st), 0);

    check_eq("nofile_emfile", exit_code(run_child(nofile_child, NULL)), 0);
    check_eq("nofile_dup2_ebadf", exit_code(run_child(nofile_dup2_child, NULL)), 0);
    check_eq("nproc_fork_bomb_eagain", exit_code(run_child(nproc_child, NULL)), 0);
    check_eq("as_enomem", exit_code(run_child(as_child, NULL)), 0);
    check_eq("fsize_efbig", exit_code(run_child(fsize_child, (void*)1)), 0);
    check_eq("fsize_sigxfsz_kills", term_sig(run_child(fsize_child, (void*)0)), SIGXFSZ);
    pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    check_true("alive_after_bomb", waitpid(pid, &st, 0) == pid, "fork %d", pid);
    return check_end("rlimit");
}
