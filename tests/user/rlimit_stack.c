// RLIMIT_STACK bounds the main stack's growth at fault time, as Linux's
// acct_stack_growth: a child touches a byte N bytes below its stack
// pointer (no alloca: a plain pointer store) with various limits; a touch
// past the current soft limit kills it with SIGSEGV, one within it works,
// and raising the limit later lets the stack grow further.
#include "check.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1UL << 20)

static void set_stack(unsigned long bytes) {
    struct rlimit r = {bytes, RLIM_INFINITY};
    if (setrlimit(RLIMIT_STACK, &r) != 0) {
        _exit(10);
    }
}

static void touch_below(unsigned long n) {
    volatile char* p = (volatile char*)__builtin_frame_address(0) - n;
    *p = 1;
    if (*p != 1) {
        _exit(11);
    }
}

// A child that sets the soft limit to `first`, touches `d1` below its
// stack pointer, then sets it to `second` (0: keep) and touches `d2`.
static int run(unsigned long first, unsigned long d1, unsigned long second, unsigned long d2) {
    pid_t pid = fork();
    if (pid == 0) {
        set_stack(first);
        touch_below(d1);
        if (second != 0) {
            set_stack(second);
            touch_below(d2);
        }
        _exit(0);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return st;
}

static int killed_by(int st) { return WIFSIGNALED(st) ? WTERMSIG(st) : 0; }
static int exited(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : -1; }

int main(void) {
    check_eq("within_1mib_ok", exited(run(1 * MiB, 512 * 1024, 0, 0)), 0);
    check_eq("past_1mib_sigsegv", killed_by(run(1 * MiB, 2 * MiB, 0, 0)), SIGSEGV);
    check_eq("past_8mib_sigsegv", killed_by(run(8 * MiB, 12 * MiB, 0, 0)), SIGSEGV);
    check_eq("within_64mib_ok", exited(run(64 * MiB, 32 * MiB, 0, 0)), 0);
    check_eq("raised_later_grows", exited(run(1 * MiB, 512 * 1024, 64 * MiB, 32 * MiB)), 0);
    check_eq("lowered_later_sigsegv", killed_by(run(64 * MiB, 512 * 1024, 1 * MiB, 4 * MiB)), SIGSEGV);
    check_eq("infinity_grows", exited(run(RLIM_INFINITY, 16 * MiB, 0, 0)), 0);
    return check_end("rlimit_stack");
}
