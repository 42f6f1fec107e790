// A random-syscall fuzzer: forked children issue system calls with random
// arguments (boundary integers, descriptors, valid/read-only/PROT_NONE/
// unmapped user pointers, kernel and non-canonical addresses, huge
// lengths) from a seeded PRNG until at least CALLS calls were made in all
// (each child makes up to PER_CHILD and is killed by the parent's watchdog
// if it hangs); then the kernel must still work (file round trip, getpid,
// fork/wait, pipe). The calls that would end the test rather than the
// child are left out (DENY below): reboot, exit, signals to other
// processes, fork/exec, mounts, modules, clock setting, rlimits, real-time
// scheduling, and memory-wide or persistent effects (shmat, mknod,
// MADV_HWPOISON). Linux runs the full count well inside the 120 s limit.
// Output: "fuzz: calls=N children=N killed=N" (informational) and ok lines.
#include "ptest.h"
#include <sys/socket.h>
#include <sys/time.h>

#define CALLS 300000
#define PER_CHILD 3000
#define SEED 0x6b65656cUL

static const int DENY[] = {
    15,  // rt_sigreturn
    34,  // pause
    37,  // alarm (the child's own watchdog timer)
    38,  // setitimer
    56,  57,  58,  59,  // clone fork vfork execve
    60,  // exit
    62,  // kill
    101, // ptrace
    103, // syslog
    129, // rt_sigqueueinfo
    133, // mknod
    141, 142, 144, // setpriority sched_setparam sched_setscheduler
    153, // vhangup
    155, // pivot_root
    159, // adjtimex
    160, // setrlimit
    163, // acct
    164, // settimeofday
    165, 166, 167, 168, 169, // mount umount2 swapon swapoff reboot
    172, 173, // iopl ioperm
    175, 176, // init_module delete_module
    200, // tkill
    227, // clock_settime
    231, // exit_group
    234, // tgkill
    246, // kexec_load
    259, // mknodat
    297, // rt_tgsigqueueinfo
    298, // perf_event_open
    302, // prlimit64
    305, // clock_adjtime
    30,  // shmat
    310, 311, // process_vm_readv/writev
    313, // finit_module
    314, // sched_setattr
    320, // kexec_file_load
    321, // bpf
    322, // execveat
    424, // pidfd_send_signal
    428, 429, 430, 431, 432, 433, // open_tree move_mount fsopen fsconfig fsmount fspick
    435, // clone3
    442, // mount_setattr
};

static unsigned long rng;
static unsigned long next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int denied(long nr) {
    for (unsigned i = 0; i < sizeof DENY / sizeof DENY[0]; i++) {
        if (DENY[i] == nr) {
            return 1;
        }
    }
    return 0;
}

static unsigned char* rw_buf; // 4 pages, random contents
static unsigned char* ro_page;
static unsigned char* none_page;

static long rand_arg(void) {
    unsigned long r = next_rand();
    switch (r % 24) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return (long)(next_rand() % 16);
    case 4: return (long)(next_rand() % 4096);
    case 5: return 0x7fffffffL;
    case 6: return 0x80000000L;
    case 7: return 0xffffffffL;
    case 8: return 0x100000000L;
    case 9: return (long)(1UL << 63);
    case 10: return 0x7fffffffffffffffL;
    case 11: return 4096;
    case 12: return 1L << 40; // huge length
    case 13: return (long)next_rand();
    case 14: return (long)(next_rand() % 10); // a descriptor
    case 15: return (long)(rw_buf + next_rand() % (4 * 4096 - 64));
    case 16: return (long)(rw_buf + 4 * 4096 - 8); // 8 bytes before the end
    case 17: return (long)ro_page;
    case 18: return (long)none_page;
    case 19: return (long)0xffffffff81000000UL; // kernel text
    case 20: return (long)0xffff888000000000UL; // kernel direct map
    case 21: return (long)0x0000800000000000UL; // non-canonical
    case 22: return 0x7ffffffff000L;            // top of user space
    default: return 0x10000;                    // unmapped low page
    }
}

static void on_alrm(int s) { (void)s; }

static void child(long* shm, unsigned long seed) {
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0) {
        null_fd = open("/tmp/fuzz/out", O_RDWR | O_CREAT, 0644);
    }
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    // Objects for the random descriptors 3..9 to reach.
    int p[2], sv[2];
    pipe(p);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    open("/tmp/fuzz/file", O_RDWR | O_CREAT, 0644);
    open("/tmp/fuzz", O_RDONLY | O_DIRECTORY);
    // The buffer sits between PROT_NONE guard pages, so that a call given a
    // huge length stops at its end instead of running into other memory
    // (the shared counter).
    unsigned char* area = mmap(NULL, 6 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    rw_buf = area + 4096;
    mprotect(rw_buf, 4 * 4096, PROT_READ | PROT_WRITE);
    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    none_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    rng = seed * 0x9e3779b97f4a7c15UL + 1;
    for (int i = 0; i < 4 * 4096; i++) {
        rw_buf[i] = (unsigned char)next_rand();
    }
    // Bounds on what one child can take of the machine.
    struct rlimit as = {256 << 20, 256 << 20}, fsz = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_AS, &as);
    setrlimit(RLIMIT_FSIZE, &fsz);
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    // A 10 ms timer interrupts calls that would block.
    on_signal(SIGALRM, on_alrm, 0);
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &it, NULL);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    for (int i = 0; i < PER_CHILD; i++) {
        long nr;
        do {
            nr = (long)(next_rand() % 452);
        } while ((nr > 334 && nr < 424) || denied(nr));
        long a[6];
        for (int k = 0; k < 6; k++) {
            a[k] = rand_arg();
        }
        if (nr == 13 && (a[0] & 0xffffffffL) == SIGALRM) { // rt_sigaction of our timer
            a[0] = SIGUSR2;
        }
        if ((nr == 28 || nr == 440) && a[2] >= 100) { // madvise: no HWPOISON/SOFT_OFFLINE
            a[2] = 0;
        }
        shm[1] = nr;
        __atomic_add_fetch(&shm[0], 1, __ATOMIC_RELAXED);
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (nr == 14) { // rt_sigprocmask: keep the timer deliverable
            sigprocmask(SIG_UNBLOCK, &alrm, NULL);
        }
    }
    _exit(0);
}

// Removes everything under dir (the children's files), not dir itself.
static void clean(const char* dir) {
    DIR* d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent* e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && errno == EISDIR) {
            chmod(path, 0755);
            clean(path);
            rmdir(path);
        } else if (errno == EPERM || errno == EACCES) {
            chmod(path, 0755);
            clean(path);
            rmdir(path);
        }
    }
    closedir(d);
}

int main(void) {
    check_start(NULL);
    mkdir("/tmp/fuzz", 0777);
    // The shared counter between guard pages too.
    char* area = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long* shm = mmap(area + 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check_require("shared page", area != MAP_FAILED && shm != MAP_FAILED);
    long total = 0, children = 0, killed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (total < CALLS) {
        shm[0] = 0;
        chdir("/tmp/fuzz");
        pid_t pid = fork();
        if (pid < 0) {
            printf("FAIL fork: %s\n", errname(errno));
            return 1;
        }
        if (pid == 0) {
            child(shm, SEED + (unsigned long)children);
        }
        chdir("/");
        int st, waited_ms = 0;
        while (waitpid(pid, &st, WNOHANG) != pid) {
            if (waited_ms == 1000) { // hung (a blocked timer, a stop...)
                kill(pid, SIGKILL);
                killed++;
            }
            sleep_ms(5);
            waited_ms += 5;
        }
        total += shm[0];
        children++;
        clean("/tmp/fuzz");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("fuzz: calls=%ld children=%ld killed=%ld seconds=%ld\n", total, children, killed,
           (long)(t1.tv_sec - t0.tv_sec));
    check_true("fuzz_at_least_300000_calls", total >= CALLS, "calls %ld", total);

    // The kernel still works.
    check_eq("alive_getpid", getpid(), 1);
    check_true("alive_file_round_trip", put_file("/tmp/alive", "still here") == 0, "write");
    char buf[32];
    check_true("alive_file_read", get_file("/tmp/alive", buf, sizeof buf) == 10 && strcmp(buf, "still here") == 0,
               "read");
    int p[2];
    check_true("alive_pipe", pipe(p) == 0 && write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1 && buf[0] == 'x',
               "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        _exit(42);
    }
    int st;
    check_true("alive_fork_wait", waitpid(pid, &st, 0) == pid && exit_code(st) == 42, "status %#x", st);
    reap_all();
    if (check_failures == 0) {
        printf("fuzz: children done, kernel alive\n");
    }
    return check_end("fuzz_syscalls");
}
