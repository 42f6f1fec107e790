// fork and exit: the child's return value and pid, getppid, separate
// memory and descriptors (shared offsets), exit codes as wait4 reports
// them (0, 1, 255, 256 -> 0), ECHILD, waiting for a given pid or any.
#include "ptest.h"

static int ret_code(void* arg) { return (int)(long)arg; }

int main(void) {
    check_start("/tmp/fork");
    pid_t me = getpid();
    check_eq("init_is_pid1", me, 1);
    check_err("wait_no_children", wait(NULL), ECHILD);

    int p[2];
    check_require("pipe", pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        long info[2] = {getpid(), getppid()};
        write(p[1], info, sizeof info);
        _exit(7);
    }
    check_true("fork_returns_pid", pid > 1, "pid %d", pid);
    long info[2] = {0, 0};
    check_eq("child_reports", read(p[0], info, sizeof info), (long)sizeof info);
    check_true("child_getpid_is_fork_value", info[0] == pid, "child %ld fork %d", info[0], pid);
    check_true("child_getppid", info[1] == me, "ppid %ld", info[1]);
    int st = 0;
    check_eq("waitpid_pid", waitpid(pid, &st, 0), pid);
    check_true("exit_7", WIFEXITED(st) && WEXITSTATUS(st) == 7 && !WIFSIGNALED(st), "status %#x", st);
    check_err("waitpid_reaped", waitpid(pid, &st, 0), ECHILD);

    check_eq("exit_0", exit_code(run_child(ret_code, (void*)0)), 0);
    check_eq("exit_255", exit_code(run_child(ret_code, (void*)255)), 255);
    pid = fork();
    if (pid == 0) {
        syscall(SYS_exit_group, 256 + 3);
    }
    waitpid(pid, &st, 0);
    check_true("exit_group_low_byte", WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %#x", st);

    // Memory is copied, not shared.
    static volatile int counter = 5;
    pid = fork();
    if (pid == 0) {
        counter = 99;
        _exit(counter == 99 ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    check_true("memory_copied", exit_code(st) == 0 && counter == 5, "counter %d st %#x", counter, st);

    // Descriptors are copied and share the open file (its offset).
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    pid = fork();
    if (pid == 0) {
        write(fd, "child", 5);
        close(fd);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    check_eq("fd_offset_shared", lseek(fd, 0, SEEK_CUR), 5);
    check_true("fd_still_open_in_parent", fcntl(fd, F_GETFD) >= 0, "errno %s", errname(errno));
    close(fd);

    // Several children, reaped in any order with wait(-1).
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            _exit(10 + i);
        }
    }
    int seen = 0;
    for (int i = 0; i < 4; i++) {
        pid_t w = wait(&st);
        for (int k = 0; k < 4; k++) {
            if (w == kids[k] && WEXITSTATUS(st) == 10 + k) {
                seen |= 1 << k;
            }
        }
    }
    check_eq("wait_any_all_four", seen, 15);
    check_err("wait_after_all", wait(&st), ECHILD);
    check_err("waitpid_not_child", waitpid(12345, &st, 0), ECHILD);
    check_eq("waitpid_wnohang_no_children_echild", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1);
    return check_end("proc_fork");
}
