// An lmbench-style suite run as /init, the same static binary on Keel and on
// Linux (tests/run-bench-linux.sh boots both). Each benchmark times a batch
// of operations several times and reports the best batch, in ns per
// operation, as one line:
//     bench NAME NS
// or, when the kernel cannot run the path yet (a call fails with ENOSYS or
// the path's result is wrong because a feature is missing):
//     bench NAME missing REASON
// A result that is wrong although every call succeeded is a failure:
//     bench NAME FAIL REASON
// and the program exits 1. "bench control" is a pure user-space loop: it
// measures the host, not the kernel (a slowed host shows as drift).
// argv[1] == "short": few iterations (make test checks the suite works).
// The benchmarks are honest: they check what they read and touch every page
// they claim to touch.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int g_short;
static int g_fail;
static char g_self[64] = "/init";

static uint64_t now_ns(void) {
    struct timespec ts;
    // The raw syscall, so that timing does not depend on a vDSO.
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// Reason a benchmark cannot run (set by the setup or the body), or NULL.
static const char* g_missing;
static const char* g_wrong;

static void missing(const char* why) {
    if (!g_missing) g_missing = why;
}
static void wrong(const char* why) {
    if (!g_wrong) g_wrong = why;
}
// A failed call: ENOSYS (and the errors a missing feature gives) is
// "missing"; anything else is a wrong result.
static void failed(const char* what) {
    static char buf[96];
    snprintf(buf, sizeof buf, "%s: %s", what, strerror(errno));
    if (errno == ENOSYS || errno == ENOENT || errno == EROFS || errno == EPERM ||
        errno == EOPNOTSUPP || errno == ENODEV || errno == ENOTSUP || errno == EINVAL)
        missing(buf);
    else
        wrong(buf);
}

typedef void (*body_fn)(long n);

// Runs f(n) `reps` times and reports the best, per operation. n is the
// most operations a batch does: it is halved until a batch takes at most
// BATCH_NS (the same n on both kernels would make the slower one take
// minutes), but never below n/64, so the slow kernel's batches stay long
// enough to time. per: operations one f(1) does (e.g. 256 page faults).
#define BATCH_NS 40000000ull
static void b_control(long n);
static void report_per(const char* name, body_fn f, long n, int reps, int per) {
    // The host's speed right now: the user-space control loop in batches as
    // long as the benchmark's (BATCH_NS / 2), best of 3, before each
    // benchmark ("NAME.ctl", ns per iteration). A shorter loop would fit in
    // one host time slice and miss a host that shares the CPU. The report
    // drops a sample whose control loop ran slow.
    if (strcmp(name, "control") != 0 && strcmp(name, "control_end") != 0) {
        const long iters = g_short ? 200000 : 10000000;
        uint64_t ctl = UINT64_MAX;
        for (int r = 0; r < 3; r++) {
            uint64_t t0 = now_ns();
            b_control(iters);
            uint64_t t = now_ns() - t0;
            if (t < ctl) ctl = t;
        }
        printf("bench %s.ctl %.3f\n", name, (double)ctl / (double)iters);
    }
    g_missing = g_wrong = NULL;
    if (g_short) {
        n = n / 50 + 1;
        reps = 2;
    }
    f(1); // warm-up, and the feature check
    long min_n = n / 64 > 0 ? n / 64 : 1;
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < reps && !g_missing && !g_wrong; r++) {
        uint64_t t0 = now_ns();
        f(n);
        uint64_t t = now_ns() - t0;
        if (r == 0 && t > BATCH_NS && n > min_n) {
            // Too slow for n: scale the batch down and start again.
            long m = (long)((double)n * BATCH_NS / (double)t);
            n = m > min_n ? m : min_n;
            r = -1;
            continue;
        }
        if (t < best) best = t;
    }
    if (g_wrong) {
        printf("bench %s FAIL %s\n", name, g_wrong);
        g_fail = 1;
    } else if (g_missing) {
        printf("bench %s missing %s\n", name, g_missing);
    } else {
        printf("bench %s %.3f\n", name, (double)best / (double)n / per);
    }
    fflush(stdout);
}

static void report(const char* name, body_fn f, long n, int reps) {
    report_per(name, f, n, reps, 1);
}

// ---- the benchmarks ----

static volatile uint64_t g_sink;

static void b_control(long n) {
    uint64_t x = 88172645463325252ull;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    g_sink = x;
}

static void b_getpid(long n) {
    long pid = syscall(SYS_getpid);
    for (long i = 0; i < n; i++) {
        if (syscall(SYS_getpid) != pid) wrong("getpid changed");
    }
}

static void b_clock_sys(long n) {
    struct timespec a, b;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a) != 0) { failed("clock_gettime"); return; }
    for (long i = 0; i < n; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
        if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
            wrong("clock went backwards");
        a = b;
    }
}

// The C library's clock_gettime: the vDSO where the kernel provides one.
static void b_clock_libc(long n) {
    struct timespec a, b;
    if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) { failed("clock_gettime"); return; }
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
            wrong("clock went backwards");
        a = b;
    }
}

static int g_zero = -1, g_null = -1;

static void b_read_zero(long n) {
    char c;
    for (long i = 0; i < n; i++) {
        c = 1;
        if (read(g_zero, &c, 1) != 1) { failed("read /dev/zero"); return; }
        if (c != 0) { wrong("/dev/zero gave a non-zero byte"); return; }
    }
}

static void b_write_null(long n) {
    char c = 'x';
    for (long i = 0; i < n; i++) {
        if (write(g_null, &c, 1) != 1) { failed("write /dev/null"); return; }
    }
}

static void b_open_close(long n) {
    for (long i = 0; i < n; i++) {
        int fd = open("/bench/data64k", O_RDONLY);
        if (fd < 0) { failed("open"); return; }
        if (close(fd) != 0) { failed("close"); return; }
    }
}

static void b_stat(long n) {
    struct stat st;
    for (long i = 0; i < n; i++) {
        if (stat("/bench/data64k", &st) != 0) { failed("stat"); return; }
        if (st.st_size != 65536) { wrong("stat: wrong size"); return; }
    }
}

static int g_data = -1;

static void b_fstat(long n) {
    struct stat st;
    for (long i = 0; i < n; i++) {
        if (fstat(g_data, &st) != 0) { failed("fstat"); return; }
        if (st.st_size != 65536) { wrong("fstat: wrong size"); return; }
    }
}

static unsigned char g_buf[65536] __attribute__((aligned(4096)));
static uint32_t g_data_sum;

static uint32_t sum64k(void) {
    uint32_t s = 0;
    for (int i = 0; i < 65536; i += 64) s = s * 31 + g_buf[i] + g_buf[i + 17];
    return s;
}

static void b_pread64k(long n) {
    for (long i = 0; i < n; i++) {
        g_buf[0] ^= 0xff;
        if (pread(g_data, g_buf, 65536, 0) != 65536) { failed("pread"); return; }
        if (sum64k() != g_data_sum) { wrong("pread: wrong data"); return; }
    }
}

static void b_read_zero64k(long n) {
    for (long i = 0; i < n; i++) {
        g_buf[4096] = 1;
        if (read(g_zero, g_buf, 65536) != 65536) { failed("read /dev/zero"); return; }
        if (g_buf[4096] != 0 || g_buf[65535] != 0) { wrong("/dev/zero: non-zero"); return; }
    }
}

// 256 page faults: map 1 MiB, write one byte per page, unmap. Reported per
// fault (the mmap/munmap pair is amortised over 256 faults).
static void b_page_fault(long n) {
    for (long i = 0; i < n; i++) {
        volatile char* p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { failed("mmap"); return; }
        for (int pg = 0; pg < 256; pg++) {
            if (p[pg * 4096 + 8] != 0) { wrong("fresh page not zero"); }
            p[pg * 4096] = (char)pg;
        }
        for (int pg = 0; pg < 256; pg += 51) {
            if (p[pg * 4096] != (char)pg) wrong("page lost its byte");
        }
        munmap((void*)p, 1 << 20);
    }
}

static void b_mmap4k(long n) {
    for (long i = 0; i < n; i++) {
        volatile char* p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { failed("mmap"); return; }
        p[100] = 7;
        if (p[100] != 7 || p[200] != 0) wrong("mapped page wrong");
        if (munmap((void*)p, 4096) != 0) { failed("munmap"); return; }
    }
}

static void b_mmap4m(long n) {
    for (long i = 0; i < n; i++) {
        void* p = mmap(0, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { failed("mmap"); return; }
        if (munmap(p, 4 << 20) != 0) { failed("munmap"); return; }
    }
}

// Pipe bandwidth in one process: write 4 KiB, read it back. Per 4 KiB.
static int g_pipe[2] = {-1, -1};
static void b_pipe_bw(long n) {
    if (g_pipe[0] < 0) { missing("no pipe"); return; }
    for (long i = 0; i < n; i++) {
        g_buf[0] = (unsigned char)i;
        if (write(g_pipe[1], g_buf, 4096) != 4096) { failed("pipe write"); return; }
        g_buf[0] = 0xaa;
        if (read(g_pipe[0], g_buf, 4096) != 4096) { failed("pipe read"); return; }
        if (g_buf[0] != (unsigned char)i) { wrong("pipe data"); return; }
    }
}

// Two processes bounce one byte over two pipes: a round trip is two context
// switches and four pipe operations (lmbench lat_pipe).
static void b_pipe_lat(long n) {
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0) { failed("pipe"); return; }
    pid_t pid = fork();
    if (pid < 0) { failed("fork"); close(a[0]); close(a[1]); close(b[0]); close(b[1]); return; }
    if (pid == 0) {
        char c;
        close(a[1]);
        close(b[0]);
        while (read(a[0], &c, 1) == 1) {
            c++;
            if (write(b[1], &c, 1) != 1) break;
        }
        _exit(0);
    }
    close(a[0]);
    close(b[1]);
    for (long i = 0; i < n; i++) {
        char c = (char)i, d;
        if (write(a[1], &c, 1) != 1 || read(b[0], &d, 1) != 1) { failed("pipe round trip"); break; }
        if (d != (char)(c + 1)) { wrong("pipe round trip data"); break; }
    }
    close(a[1]);
    int st;
    waitpid(pid, &st, 0);
    close(b[0]);
}

// Context switch: sched_yield between two processes (lmbench lat_ctx with no
// working set). Per parent iteration (two switches). A yield need not
// switch: Linux's CFS mostly keeps running the caller (0-2% of the yields
// of SCHED_OTHER tasks switched), so both processes run SCHED_FIFO, where
// a yield moves the caller behind the other task of its priority, as
// Keel's round-robin yield always does (Keel has no sched_setscheduler:
// ENOSYS, and the policy stays its only one). The child counts its yields
// in a shared page and the parent counts the yields after which the child
// had run: "info ctxsw switched S of N" (not a benchmark line).
static void b_ctxsw(long n) {
    struct sched_param sp = {.sched_priority = 1};
    // The raw syscall: musl's sched_setscheduler always fails (ENOSYS).
    int rt = syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0;
    int ready[2];
    volatile long* shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) shared = 0;
    if (pipe(ready) != 0) { failed("pipe"); return; }
    pid_t pid = fork();
    if (pid < 0) { failed("fork"); close(ready[0]); close(ready[1]); return; }
    if (pid == 0) {
        close(ready[0]);
        char c = 1;
        if (write(ready[1], &c, 1) != 1) _exit(1);
        for (long i = 0; i < n; i++) {
            sched_yield();
            if (shared) shared[0]++;
        }
        _exit(0);
    }
    char c;
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1) wrong("child did not start");
    close(ready[0]);
    long switched = 0, seen = shared ? shared[0] : 0;
    for (long i = 0; i < n; i++) {
        sched_yield();
        if (shared && shared[0] != seen) {
            seen = shared[0];
            switched++;
        }
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) wrong("child status");
    if (rt) {
        sp.sched_priority = 0;
        syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
    }
    if (shared) {
        if (n > 1) printf("info ctxsw switched %ld of %ld (%s)\n", switched, n, rt ? "SCHED_FIFO" : "default policy");
        munmap((void*)shared, 4096);
    }
}

static void b_fork_exit(long n) {
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) { failed("fork"); return; }
        if (pid == 0) _exit(7);
        int st;
        if (waitpid(pid, &st, 0) != pid) { failed("waitpid"); return; }
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 7) { wrong("child exit status"); return; }
    }
}

static void b_fork_exec(long n) {
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) { failed("fork"); return; }
        if (pid == 0) {
            char* argv[] = {g_self, "exit5", 0};
            char* envp[] = {0};
            execve(g_self, argv, envp);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid) { failed("waitpid"); return; }
        if (!WIFEXITED(st)) { wrong("child killed"); return; }
        if (WEXITSTATUS(st) == 127) { missing("execve failed"); return; }
        if (WEXITSTATUS(st) != 5) { wrong("exec'd child exit status"); return; }
    }
}

static volatile int g_signals;
static void on_usr1(int sig) {
    (void)sig;
    g_signals++;
}

static void b_sig_install(long n) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    for (long i = 0; i < n; i++) {
        if (sigaction(SIGUSR1, &sa, 0) != 0) { failed("sigaction"); return; }
    }
}

static void b_sig_deliver(long n) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, 0) != 0) { failed("sigaction"); return; }
    pid_t me = getpid();
    for (long i = 0; i < n; i++) {
        int before = g_signals;
        if (kill(me, SIGUSR1) != 0) { failed("kill"); return; }
        if (g_signals != before + 1) { missing("signal not delivered"); return; }
    }
}

static void b_create_delete(long n) {
    for (long i = 0; i < n; i++) {
        int fd = open("/tmp/bench-file", O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) { failed("create"); return; }
        close(fd);
        if (unlink("/tmp/bench-file") != 0) { failed("unlink"); return; }
    }
}

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

// Boot time, from QEMU start to the first instruction of /init: QEMU starts
// the TSC at 0 at CPU reset, so the TSC read first thing here, divided by
// the TSC rate (measured against the kernel's monotonic clock), is the
// time since the machine started, firmware included, on either kernel.
static void boot_time(uint64_t tsc0) {
    uint64_t t0 = now_ns(), c0 = rdtsc();
    while (now_ns() - t0 < 50000000ull) {
    }
    uint64_t t1 = now_ns(), c1 = rdtsc();
    double per_ns = (double)(c1 - c0) / (double)(t1 - t0);
    printf("bench boot_ms %.1f\n", (double)tsc0 / per_ns / 1e6);
}

int main(int argc, char** argv) {
    uint64_t tsc0 = rdtsc();
    if (argc > 1 && strcmp(argv[1], "exit5") == 0) return 5;
    if (argc > 0 && argv[0][0] == '/') snprintf(g_self, sizeof g_self, "%s", argv[0]);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "short") == 0) g_short = 1;
    // Linux's initramfs has /dev/console only; the image carries /dev/zero
    // and /dev/null nodes (tests/run-bench-linux.sh).
    g_zero = open("/dev/zero", O_RDONLY);
    g_null = open("/dev/null", O_WRONLY);
    g_data = open("/bench/data64k", O_RDONLY);
    if (g_data < 0 || pread(g_data, g_buf, 65536, 0) != 65536) {
        printf("bench: cannot read /bench/data64k\n");
        return 1;
    }
    g_data_sum = sum64k();
    if (pipe(g_pipe) != 0) g_pipe[0] = g_pipe[1] = -1;
    printf("bench start%s\n", g_short ? " short" : "");
    boot_time(tsc0);
    report("control", b_control, 2000000, 5);
    report("getpid", b_getpid, 20000, 5);
    report("clock_gettime_sys", b_clock_sys, 20000, 5);
    report("clock_gettime", b_clock_libc, 20000, 5);
    if (g_zero >= 0) report("read_zero_1", b_read_zero, 20000, 5);
    else printf("bench read_zero_1 missing no /dev/zero\n");
    if (g_null >= 0) report("write_null_1", b_write_null, 20000, 5);
    else printf("bench write_null_1 missing no /dev/null\n");
    report("open_close", b_open_close, 5000, 5);
    report("stat", b_stat, 5000, 5);
    report("fstat", b_fstat, 20000, 5);
    report("pread_64k", b_pread64k, 500, 5);
    if (g_zero >= 0) report("read_zero_64k", b_read_zero64k, 500, 5);
    else printf("bench read_zero_64k missing no /dev/zero\n");
    report_per("page_fault", b_page_fault, 20, 5, 256);
    report("mmap_4k_touch", b_mmap4k, 2000, 5);
    report("mmap_4m", b_mmap4m, 2000, 5);
    report("pipe_bw_4k", b_pipe_bw, 2000, 5);
    report("pipe_lat", b_pipe_lat, 2000, 5);
    report("ctxsw", b_ctxsw, 2000, 5);
    report("fork_exit", b_fork_exit, 100, 3);
    report("fork_exec", b_fork_exec, 50, 3);
    report("sig_install", b_sig_install, 20000, 5);
    report("sig_deliver", b_sig_deliver, 5000, 5);
    report("create_delete", b_create_delete, 2000, 5);
    report("control_end", b_control, 2000000, 5);
    printf("bench done %s\n", g_fail ? "FAIL" : "ok");
    fflush(stdout);
    return g_fail;
}
