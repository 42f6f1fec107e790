// Threads from raw clone(2): CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM with
// PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID (the futex wake at thread
// exit) and SETTLS; same pid, own tid, getppid, set_tid_address, exit of
// one thread vs exit_group, tgkill to a thread, threads not waitable, and
// the flag combinations clone refuses.
#include "ptest.h"

#define ARCH_GET_FS 0x1003
#define FUTEX_WAIT 0

// raw_clone(flags, stack, ptid, ctid, tls, fn, arg): the child runs fn(arg)
// on `stack` and exits the thread with its result.
long raw_clone(unsigned long flags, void* stack, int* ptid, int* ctid, unsigned long tls, int (*fn)(void*),
               void* arg);
__asm__(".text\n.globl raw_clone\nraw_clone:\n"
        "mov 8(%rsp), %rax\n"
        "sub $16, %rsi\n"
        "mov %r9, 0(%rsi)\n"
        "mov %rax, 8(%rsi)\n"
        "mov %rcx, %r10\n"
        "mov $56, %eax\n"
        "syscall\n"
        "test %rax, %rax\n"
        "jnz 1f\n"
        "xor %ebp, %ebp\n"
        "pop %rax\n"
        "pop %rdi\n"
        "call *%rax\n"
        "mov %eax, %edi\n"
        "mov $60, %eax\n"
        "syscall\n"
        "hlt\n"
        "1: ret\n");

// Raw system calls that do not touch errno (the threads share TLS).
static long rsys(long nr, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

#define TFLAGS                                                                                                      \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |      \
     CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)

static char stacks[4][65536] __attribute__((aligned(16)));
static volatile long t_pid, t_tid, t_ppid, t_ctid_seen, t_fs, t_fs_prctl, t_sigtid;
static volatile int go, handled;
static int ctid, ptid;

static void wait_cleared(int* addr) {
    while (__atomic_load_n(addr, __ATOMIC_SEQ_CST) != 0) {
        int v = *addr;
        if (v != 0) {
            rsys(SYS_futex, (long)addr, FUTEX_WAIT, v, 0);
        }
    }
}

static int t_info(void* arg) {
    (void)arg;
    t_pid = rsys(SYS_getpid, 0, 0, 0, 0);
    t_tid = rsys(SYS_gettid, 0, 0, 0, 0);
    t_ppid = rsys(SYS_getppid, 0, 0, 0, 0);
    t_ctid_seen = ctid;
    return 0;
}

static int t_tls(void* arg) {
    (void)arg;
    long fs;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(fs));
    t_fs = fs;
    unsigned long got = 0;
    rsys(SYS_arch_prctl, ARCH_GET_FS, (long)&got, 0, 0);
    t_fs_prctl = (long)got;
    return 0;
}

static void on_usr1(int s) {
    (void)s;
    t_sigtid = rsys(SYS_gettid, 0, 0, 0, 0);
    handled = 1;
}

static int t_spin(void* arg) {
    (void)arg;
    while (!go) {
        rsys(SYS_sched_yield, 0, 0, 0, 0);
    }
    return 0;
}

static int t_exit_group(void* arg) {
    (void)arg;
    rsys(SYS_exit_group, 7, 0, 0, 0);
    return 0;
}

static int group_child(void* arg) {
    (void)arg;
    static int c2;
    raw_clone(TFLAGS, stacks[3] + sizeof stacks[3], &c2, &c2, 0, t_exit_group, NULL);
    for (int i = 0; i < 1000; i++) {
        pause(); // ended by the thread's exit_group
    }
    return 1;
}

int main(void) {
    check_start(NULL);
    long me = getpid();
    check_eq("set_tid_address_returns_tid", syscall(SYS_set_tid_address, &ctid), me);

    ctid = -1; // CHILD_SETTID happens when the thread first runs
    long tid = raw_clone(TFLAGS, stacks[0] + sizeof stacks[0], &ptid, &ctid, 0, t_info, NULL);
    check_true("clone_thread_tid", tid > 1, "ret %ld", tid);
    wait_cleared(&ctid);
    check_eq("thread_same_pid", t_pid, me);
    check_true("thread_own_tid", t_tid == tid && t_tid != me, "tid %ld ret %ld", t_tid, tid);
    check_eq("thread_getppid", t_ppid, getppid());
    check_eq("parent_settid", ptid, tid);
    check_eq("child_settid", t_ctid_seen, tid);
    check_eq("cleartid_zeroed", ctid, 0);
    check_err("thread_not_waitable", waitpid(tid, NULL, __WALL | WNOHANG), ECHILD);

    // SETTLS: %fs points at the block given (its first word points at itself,
    // as the x86-64 TLS ABI wants).
    static unsigned long tls_block[64];
    tls_block[0] = (unsigned long)tls_block;
    ctid = -1;
    tid = raw_clone(TFLAGS | CLONE_SETTLS, stacks[1] + sizeof stacks[1], &ptid, &ctid, (unsigned long)tls_block,
                    t_tls, NULL);
    wait_cleared(&ctid);
    check_eq("settls_fs0", t_fs, (long)tls_block);
    check_eq("settls_arch_prctl", t_fs_prctl, (long)tls_block);

    // tgkill reaches the named thread; the handler runs there.
    on_signal(SIGUSR1, on_usr1, 0);
    go = 0;
    ctid = -1;
    tid = raw_clone(TFLAGS, stacks[2] + sizeof stacks[2], &ptid, &ctid, 0, t_spin, NULL);
    check_eq("tgkill_thread", syscall(SYS_tgkill, me, tid, SIGUSR1), 0);
    while (!handled) {
        sched_yield();
    }
    check_eq("handler_on_target_thread", t_sigtid, tid);
    check_err("tgkill_wrong_tgid", syscall(SYS_tgkill, 99999, tid, 0), ESRCH);
    check_eq("tkill_thread_sig0", syscall(SYS_tkill, tid, 0), 0);
    go = 1;
    wait_cleared(&ctid);
    sleep_ms(100); // the tid is cleared before the thread is quite gone
    check_err("tkill_exited_thread", syscall(SYS_tkill, tid, 0), ESRCH);

    // exit_group from a thread ends the whole process with its code.
    check_eq("exit_group_from_thread", exit_code(run_child(group_child, NULL)), 7);

    // Refused combinations.
    check_err("thread_without_sighand", syscall(SYS_clone, CLONE_VM | CLONE_THREAD, stacks[0] + 4096, 0, 0, 0),
              EINVAL);
    check_err("sighand_without_vm", syscall(SYS_clone, CLONE_SIGHAND, stacks[0] + 4096, 0, 0, 0), EINVAL);
    check_err("clone_fs_with_newns", syscall(SYS_clone, CLONE_FS | CLONE_NEWNS, 0, 0, 0, 0), EINVAL);
    return check_end("thread_clone");
}
