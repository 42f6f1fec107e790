// ETXTBSY as Linux 6.1 keeps it (i_writecount): a running program's file
// cannot be opened for writing (O_WRONLY, O_RDWR; reading is fine) while
// any process runs it, forked children included, and can again once they
// are gone; a #! script's own file is not held, its interpreter's is; a
// file open for writing cannot be run.
#include "ptest.h"

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "pause-mode") == 0) {
        if (argc > 2 && strcmp(argv[2], "fork") == 0 && fork() < 0) {
            _exit(3);
        }
        for (;;) {
            pause();
        }
    }
    check_start("/tmp/txt");
    // prog: a copy of this program.
    int in = open("/init", O_RDONLY);
    int out = open("prog", O_WRONLY | O_CREAT, 0755);
    char buf[65536];
    long n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        write(out, buf, n);
    }
    close(in);
    close(out);
    char path[256];
    snprintf(path, sizeof path, "%s/prog", getcwd(buf, sizeof buf));

    // prog runs in a child, which forks a grandchild running it too.
    pid_t pid = fork();
    if (pid == 0) {
        char* av[] = {path, "pause-mode", "fork", NULL};
        execve(path, av, NULL);
        _exit(99);
    }
    sleep_ms(300);
    check_err("wronly_etxtbsy", open("prog", O_WRONLY), ETXTBSY);
    check_err("rdwr_etxtbsy", open("prog", O_RDWR), ETXTBSY);
    int fd = open("prog", O_RDONLY);
    check_true("rdonly_ok", fd >= 0, "errno %d", errno);
    close(fd);
    // The parent goes; its forked child still runs prog.
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    sleep_ms(100);
    check_err("forked_child_still_holds", open("prog", O_WRONLY), ETXTBSY);
    // The orphan came to us (init): end it.
    kill(-1, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    fd = open("prog", O_WRONLY);
    check_true("writable_when_gone", fd >= 0, "errno %d", errno);
    close(fd);

    // A script run by prog: the script is writable, prog is not.
    snprintf(buf, sizeof buf, "#!%s pause-mode\n", path);
    put_file("script", buf);
    chmod("script", 0755);
    pid = fork();
    if (pid == 0) {
        char* av[] = {"script", NULL};
        execve("script", av, NULL);
        _exit(99);
    }
    sleep_ms(300);
    fd = open("script", O_WRONLY);
    check_true("script_itself_writable", fd >= 0, "errno %d", errno);
    close(fd);
    check_err("script_interpreter_etxtbsy", open("prog", O_WRONLY), ETXTBSY);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);

    // Open for writing: cannot run; closed: runs.
    fd = open("prog", O_WRONLY);
    char* av[] = {"prog", "x", NULL};
    check_err("exec_while_writer_etxtbsy", syscall(SYS_execve, "prog", av, NULL), ETXTBSY);
    close(fd);
    pid = fork();
    if (pid == 0) {
        char* av2[] = {path, "pause-mode", NULL};
        execve(path, av2, NULL);
        _exit(99);
    }
    sleep_ms(200);
    check_eq("runs_after_writer_closed", waitpid(pid, &st, WNOHANG), 0);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    check_eq("killed_as_expected", term_sig(st), SIGKILL);
    return check_end("exec_txtbsy");
}
