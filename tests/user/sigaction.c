// rt_sigaction and rt_sigprocmask: what is stored comes back whole (one
// struct each way), errors in Linux's order.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ksigaction {
    unsigned long handler, flags, restorer, mask;
};

static long sys(long nr, long a, long b, long c, long d) {
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static void on_usr1(int s) { (void)s; }

int main(void) {
    struct ksigaction act = {(unsigned long)on_usr1, 0x04000000 | SA_RESTART, 0x1234,
                             (1ul << (SIGINT - 1)) | (1ul << (SIGKILL - 1))};
    struct ksigaction old;
    memset(&old, 0xff, sizeof old);
    printf("install: %ld\n", sys(SYS_rt_sigaction, SIGUSR1, (long)&act, (long)&old, 8));
    printf("old: handler %lu flags %#lx mask %#lx\n", old.handler, old.flags, old.mask);
    memset(&old, 0, sizeof old);
    printf("read back: %ld\n", sys(SYS_rt_sigaction, SIGUSR1, 0, (long)&old, 8));
    printf("back: handler ok %d flags %#lx restorer %#lx mask %#lx\n",
           old.handler == (unsigned long)on_usr1, old.flags, old.restorer, old.mask);
    printf("SIGKILL: %ld\n", sys(SYS_rt_sigaction, SIGKILL, (long)&act, 0, 8));
    printf("sig 0: %ld\n", sys(SYS_rt_sigaction, 0, (long)&act, 0, 8));
    printf("sig 65: %ld\n", sys(SYS_rt_sigaction, 65, 0, 0, 8));
    printf("size 4: %ld\n", sys(SYS_rt_sigaction, SIGUSR1, 0, 0, 4));
    printf("bad act: %ld\n", sys(SYS_rt_sigaction, SIGUSR1, 16, 0, 8));
    printf("bad oact: %ld\n", sys(SYS_rt_sigaction, SIGUSR1, 0, 16, 8));

    unsigned long set = (1ul << (SIGUSR2 - 1)) | (1ul << (SIGSTOP - 1)), cur = 99;
    printf("block: %ld\n", sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8));
    printf("get: %ld\n", sys(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&cur, 8));
    printf("mask: %#lx\n", cur & ~(3ul << 31)); // libc-internal signals left out
    printf("bad how: %ld\n", sys(SYS_rt_sigprocmask, 7, (long)&set, 0, 8));
    printf("bad oset: %ld\n", sys(SYS_rt_sigprocmask, SIG_BLOCK, 0, 16, 8));
    return 0;
}
