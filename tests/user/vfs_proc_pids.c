// /proc with two processes: init and a forked child blocked on a pipe.
// Both pids are listed, the child's directory shows its own pid, parent,
// name, exe and command line, and the directory goes once it is reaped.
#include "check.h"
#include <dirent.h>
#include <sys/mount.h>
#include <sys/wait.h>

static char text[8192];

static int has_line(const char* line) {
    size_t n = strlen(line);
    for (const char* s = text; (s = strstr(s, line)) != NULL; s++) {
        if ((s == text || s[-1] == '\n') && (s[n] == '\n' || s[n] == 0)) {
            return 1;
        }
    }
    return 0;
}

int main(void) {
    check_start("/tmp/pids");
    mkdir("/proc", 0555);
    check_ok("mount_proc", mount("proc", "/proc", "proc", 0, NULL));
    int go[2], ready[2];
    pipe(go);
    pipe(ready);
    pid_t child = fork();
    if (child == 0) {
        char b;
        close(go[1]);
        write(ready[1], "r", 1);
        read(go[0], &b, 1);
        _exit(0);
    }
    char b;
    read(ready[0], &b, 1);
    pid_t me = getpid();

    int seen_me = 0, seen_child = 0, others = 0;
    DIR* d = opendir("/proc");
    struct dirent* e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        int pid = atoi(e->d_name);
        seen_me |= pid == me;
        seen_child |= pid == child;
        others += pid != me && pid != child;
        if (e->d_type != DT_DIR) {
            others += 1000;
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    check_true("lists_init", seen_me, "no /proc/%d", me);
    check_true("lists_child", seen_child, "no /proc/%d", child);

    char path[64], want[64];
    snprintf(path, sizeof path, "/proc/%d/status", child);
    get_file(path, text, sizeof text);
    snprintf(want, sizeof want, "Pid:\t%d", child);
    check_true("child_status_pid", has_line(want), "no %s", want);
    snprintf(want, sizeof want, "PPid:\t%d", me);
    check_true("child_status_ppid", has_line(want), "no %s", want);
    check_true("child_status_name", has_line("Name:\tinit"), "no Name line");
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    get_file(path, text, sizeof text);
    snprintf(want, sizeof want, "%d (init) ", child);
    check_true("child_stat", strncmp(text, want, strlen(want)) == 0, "got %.30s", text);
    snprintf(path, sizeof path, "/proc/%d/exe", child);
    long n = readlink(path, text, sizeof text);
    check_true("child_exe", n == 5 && memcmp(text, "/init", 5) == 0, "got %ld", n);
    snprintf(path, sizeof path, "/proc/%d/cmdline", child);
    n = get_file(path, text, sizeof text);
    check_true("child_cmdline", n == 6 && memcmp(text, "/init", 6) == 0, "len %ld", n);
    n = readlink("/proc/self", text, sizeof text);
    snprintf(want, sizeof want, "%d", me);
    check_true("self_is_caller", n == (long)strlen(want) && memcmp(text, want, n) == 0, "got %ld", n);

    write(go[1], "g", 1);
    int status = -1;
    check_eq("child_reaped", waitpid(child, &status, 0), child);
    snprintf(path, sizeof path, "/proc/%d", child);
    struct stat st;
    check_err("child_gone", stat(path, &st), ENOENT);
    return check_end("vfs_proc_pids");
}
