// execve from /init: a static program replaces a static program; the new
// image gets argv, envp and a complete auxiliary vector; close-on-exec fds
// are closed and the others kept; handled signals go back to SIG_DFL,
// ignored ones stay ignored and the blocked mask is kept. /bin/exec_child
// prints what it got, then (CHILD_NEXT) execs itself once more.
#include "check.h"

static void on_usr1(int sig) {
    (void)sig;
}

int main(void) {
    check_start(NULL);
    int keep = open("/init", O_RDONLY);            // fd 3: kept
    int drop = open("/init", O_RDONLY | O_CLOEXEC); // fd 4: closed by exec
    int drop2 = dup(keep);                          // fd 5: closed (FD_CLOEXEC set below)
    check_eq("fds", keep + drop + drop2, 3 + 4 + 5);
    check_ok("set cloexec", fcntl(drop2, F_SETFD, FD_CLOEXEC));
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    check_ok("block SIGINT", sigprocmask(SIG_BLOCK, &block, NULL));
    char* argv[] = {"exec_child", "one", "two words", "", NULL};
    char* envp[] = {"FOO=bar", "CHILD_NEXT=/bin/exec_child", "X=1", NULL};
    printf("init: exec /bin/exec_child\n");
    execve("/bin/exec_child", argv, envp);
    printf("FAIL execve: %s\n", errname(errno));
    return 1;
}
