// execve of a file that changed since it last ran runs the new contents
// (Keel keeps the page caches of recent executables: an entry must never
// outlive a write, a truncate or an unlink and re-create of the file).
// The program copies itself to /tmp/prog and runs it with "marker": the
// copy prints the marker string in its data; the test rewrites that string
// in the copy (same size) and runs it again.
#include "check.h"
#include <sys/wait.h>

static const char marker[] = "MARKER-A";

static int run(const char* path) {
    pid_t pid = fork();
    if (pid == 0) {
        char* argv[] = {(char*)path, "marker", 0};
        char* envp[] = {0};
        execve(path, argv, envp);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char buf[1 << 20];

static long copy_self(const char* to) {
    int in = open("/proc/self/exe", O_RDONLY);
    if (in < 0) in = open("/init", O_RDONLY);
    long n = in < 0 ? -1 : read(in, buf, sizeof buf);
    if (in >= 0) close(in);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0 || n <= 0 || write(out, buf, n) != n) return -1;
    close(out);
    return n;
}

// Rewrites every "MARKER-<from>" in the file to "MARKER-<to>"; the count.
static int patch(const char* path, char from, char to) {
    int fd = open(path, O_RDWR);
    long n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    int found = 0;
    for (long i = 0; i + 8 <= n; i++) {
        if (memcmp(buf + i, "MARKER-", 7) == 0 && buf[i + 7] == from) {
            char c = to;
            if (pwrite(fd, &c, 1, i + 7) != 1) return -1;
            found++;
        }
    }
    if (fd >= 0) close(fd);
    return found;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "marker") == 0) {
        printf("marker %s\n", marker);
        return ((const volatile char*)marker)[7] - 'A' + 10; // read, not folded
    }
    check_start(NULL);
    check_true("copy", copy_self("/tmp/prog") > 0, "errno %s", errname(errno));
    check_eq("run_a", run("/tmp/prog"), 10);
    check_eq("run_a_again", run("/tmp/prog"), 10);
    check_true("patch_b", patch("/tmp/prog", 'A', 'B') >= 1, "no marker");
    check_eq("run_b", run("/tmp/prog"), 11);
    // Unlinked and made again (a new inode, the first contents).
    check_ok("unlink", unlink("/tmp/prog"));
    check_true("copy_again", copy_self("/tmp/prog") > 0, "errno %s", errname(errno));
    check_eq("run_new_file", run("/tmp/prog"), 10);
    check_true("patch_c", patch("/tmp/prog", 'A', 'C') >= 1, "no marker");
    check_eq("run_c", run("/tmp/prog"), 12);
    return check_end("exec_cache");
}
