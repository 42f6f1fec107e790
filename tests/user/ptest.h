// Helpers of the process, signal and thread tests (tests/user/proc_*.c,
// sig_*.c, thread_*.c, ...), on top of check.h: run a function in a forked
// child and get its wait status, sleep in milliseconds, raw clone.
// These programs run as /init (pid 1): Linux ignores a signal sent to init
// that init has no handler for, so anything that must die, stop or take a
// default action runs in a forked child.
#pragma once
#include "check.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

// Fork, run fn(arg) in the child and _exit with its result; the parent
// returns the child's wait status (-1 if fork or wait failed).
CHECK_FN int run_child(int (*fn)(void*), void* arg) {
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        _exit(fn(arg) & 255);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return st;
}

// The signal that killed a child, 0 if it exited (-1: no status).
CHECK_FN int term_sig(int st) {
    if (st == -1) {
        return -1;
    }
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

// The exit code of a child, -1 if it did not exit.
CHECK_FN int exit_code(int st) {
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

CHECK_FN void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

// A page of memory shared with forked children (MAP_SHARED anonymous).
CHECK_FN void* shared_page(void) {
    void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

// Installs a handler with the given flags (sa_mask empty); 0 or -1.
CHECK_FN int on_signal(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

CHECK_FN int on_siginfo(int sig, void (*fn)(int, siginfo_t*, void*), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

// Blocks (how = SIG_BLOCK) or unblocks (SIG_UNBLOCK) one signal.
CHECK_FN void mask_one(int how, int sig) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(how, &s, NULL);
}

// Reaps every child left (the tests are pid 1: orphans come to us too).
CHECK_FN void reap_all(void) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

// Arms ITIMER_REAL once: SIGALRM after `ms` milliseconds (0: disarms).
CHECK_FN void arm_ms(long ms) {
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

// A forked child that takes `uid` (0: stays root; exit 90 if setuid
// fails) and pauses until it is killed; returns its pid.
CHECK_FN pid_t paused_child(uid_t uid) {
    pid_t pid = fork();
    if (pid == 0) {
        if (uid != 0 && setuid(uid) != 0) {
            _exit(90);
        }
        for (;;) {
            pause();
        }
    }
    return pid;
}
