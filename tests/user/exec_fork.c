// fork + execve + wait, and vfork + execve: the child runs /bin/exec_child
// (which exits with 7), the parent's image is untouched and it reaps the
// child's status; a vfork parent resumes once the child has exec'd.
#include "check.h"
#include <sys/wait.h>

static char* env[] = {"FOO=forked", NULL};

int main(void) {
    check_start(NULL);
    int keep = 42;
    pid_t pid = fork();
    if (pid == 0) {
        char* argv[] = {"exec_child", "from-fork", NULL};
        execve("/bin/exec_child", argv, env);
        _exit(100);
    }
    check_true("fork", pid > 0, "pid %d", pid);
    int st = 0;
    check_eq("wait fork child", waitpid(pid, &st, 0), pid);
    check_true("fork child exited 7", WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
    pid = vfork();
    if (pid == 0) {
        char* argv[] = {"exec_child", "from-vfork", NULL};
        execve("/bin/exec_child", argv, env);
        _exit(100);
    }
    check_true("vfork", pid > 0, "pid %d", pid);
    check_eq("wait vfork child", waitpid(pid, &st, 0), pid);
    check_true("vfork child exited 7", WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
    // A child whose exec fails goes on in its own copy of the image.
    pid = fork();
    if (pid == 0) {
        char* argv[] = {"x", NULL};
        execve("/nonexistent", argv, env);
        _exit(errno == ENOENT ? 33 : 34);
    }
    check_eq("wait failed-exec child", waitpid(pid, &st, 0), pid);
    check_true("failed exec child exited 33", WIFEXITED(st) && WEXITSTATUS(st) == 33, "status %#x", st);
    check_eq("parent image intact", keep, 42);
    return check_end("exec_fork");
}
