// vfork and clone(CLONE_VFORK|CLONE_VM): the child borrows the parent's
// memory and the parent waits until the child exits or execs.
#include "ptest.h"

static volatile int shared_var;

static int vm_child(void* arg) {
    (void)arg;
    shared_var = 42;
    return 5;
}

int main(void) {
    check_start(NULL);
    int st = 0;
    shared_var = 1;
    pid_t pid = vfork();
    if (pid == 0) {
        shared_var = 2; // the parent sees this: same memory
        _exit(9);
    }
    check_true("vfork_pid", pid > 1, "pid %d", pid);
    check_eq("vfork_shares_memory", shared_var, 2);
    // The parent resumed once the child released the memory in _exit; it
    // may not be a zombie yet (Linux wakes the parent in exit_mm, before
    // exit_notify), so wait for it rather than polling with WNOHANG.
    check_eq("vfork_child_done", waitpid(pid, &st, 0), pid);
    check_eq("vfork_exit_code", exit_code(st), 9);

    // vfork then exec: the parent resumes at the exec.
    shared_var = 0;
    pid = vfork();
    if (pid == 0) {
        shared_var = 3;
        char* argv[] = {"/nonexistent", NULL};
        execve("/nonexistent", argv, NULL); // fails: still borrowed
        shared_var = 4;
        _exit(errno == ENOENT ? 12 : 13);
    }
    waitpid(pid, &st, 0);
    check_true("vfork_failed_exec_continues", shared_var == 4 && exit_code(st) == 12, "var %d st %#x", shared_var,
               st);

    // clone with CLONE_VM|CLONE_VFORK on a separate stack.
    static char stack[65536] __attribute__((aligned(16)));
    shared_var = 0;
    pid = clone(vm_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    check_true("clone_vfork_pid", pid > 1, "pid %d errno %s", pid, errname(errno));
    check_eq("clone_vm_write_seen", shared_var, 42);
    check_eq("clone_vfork_wait", waitpid(pid, &st, 0), pid);
    check_eq("clone_vfork_exit", exit_code(st), 5);

    // clone without CLONE_VM: a copy (fork-like).
    shared_var = 0;
    pid = clone(vm_child, stack + sizeof stack, SIGCHLD, NULL);
    waitpid(pid, &st, 0);
    check_true("clone_novm_copy", shared_var == 0 && exit_code(st) == 5, "var %d st %#x", shared_var, st);
    // A non-SIGCHLD exit signal needs __WALL/__WCLONE to be waited for.
    pid = clone(vm_child, stack + sizeof stack, 0, NULL);
    check_err("clone_nosigchld_plain_wait", waitpid(pid, &st, WNOHANG), ECHILD);
    check_eq("clone_nosigchld_wall", waitpid(pid, &st, __WALL), pid);
    return check_end("proc_vfork");
}
