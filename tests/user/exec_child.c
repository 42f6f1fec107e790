// Run by the exec_* tests through execve (never as /init): prints what the
// new image received and inherited (arguments, environment, auxiliary
// vector, task name, file descriptors, signal dispositions), one line
// each, and exits with 7. With CHILD_NEXT set in the environment it execs
// that program next (a chain of images), passing its own argv on.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char** environ;

static const char* disposition(int sig) {
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0) {
        return "error";
    }
    if (sa.sa_handler == SIG_DFL) {
        return "default";
    }
    return sa.sa_handler == SIG_IGN ? "ignored" : "handler";
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("child: argc=%d\n", argc);
    for (int i = 0; i < argc; ++i) {
        printf("child: argv[%d]=\"%s\"\n", i, argv[i]);
    }
    const char* foo = getenv("FOO");
    printf("child: FOO=%s\n", foo ? foo : "(unset)");
    int nenv = 0;
    while (environ[nenv] != NULL) {
        ++nenv;
    }
    printf("child: envc=%d\n", nenv);
    char comm[17] = {0};
    prctl(PR_GET_NAME, comm);
    printf("child: comm=%s\n", comm);
    printf("child: execfn=%s\n", (const char*)getauxval(AT_EXECFN));
    printf("child: platform=%s\n", (const char*)getauxval(AT_PLATFORM));
    printf("child: pagesz=%lu phent=%lu secure=%lu uid=%lu gid=%lu clktck=%lu\n",
           getauxval(AT_PAGESZ), getauxval(AT_PHENT), getauxval(AT_SECURE), getauxval(AT_UID),
           getauxval(AT_GID), getauxval(AT_CLKTCK));
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    printf("child: hwcap is cpuid.1:edx: %s\n", getauxval(AT_HWCAP) == d ? "yes" : "no");
    printf("child: vdso %s\n", getauxval(AT_SYSINFO_EHDR) != 0 ? "present" : "absent");
    const unsigned char* rnd = (const unsigned char*)getauxval(AT_RANDOM);
    int nonzero = 0;
    for (int i = 0; i < 16; ++i) {
        nonzero += rnd[i] != 0;
    }
    printf("child: random bytes %s\n", nonzero > 4 ? "present" : "missing");
    printf("child: entry %s\n", getauxval(AT_ENTRY) == (unsigned long)&main ? "is main" : "is _start");
    for (int fd = 3; fd <= 5; ++fd) {
        printf("child: fd %d %s\n", fd, fcntl(fd, F_GETFD) == -1 ? "closed" : "open");
    }
    printf("child: SIGUSR1 %s, SIGUSR2 %s, SIGTERM %s\n", disposition(SIGUSR1), disposition(SIGUSR2),
           disposition(SIGTERM));
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("child: SIGINT blocked: %s\n", sigismember(&mask, SIGINT) ? "yes" : "no");
    const char* next = getenv("CHILD_NEXT");
    if (next != NULL && *next != 0) {
        unsetenv("CHILD_NEXT");
        printf("child: exec %s\n", next);
        execv(next, argv);
        printf("child: exec failed\n");
        return 1;
    }
    return 7;
}
