// procfs as init mounts it: /proc/self, /proc/<pid>/{stat,status,cmdline,
// maps,fd/,exe,cwd}, /proc/meminfo, /proc/cpuinfo, /proc/mounts,
// /proc/uptime, /proc/filesystems — the lines busybox and libc read.
#include "check.h"
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/statfs.h>

static char text[65536];

// Whether `line` is a whole line of `text`.
static int has_line(const char* line) {
    size_t n = strlen(line);
    for (const char* s = text; (s = strstr(s, line)) != NULL; s++) {
        if ((s == text || s[-1] == '\n') && (s[n] == '\n' || s[n] == 0)) {
            return 1;
        }
    }
    return 0;
}

// Whether some line of `text` starts with `prefix`.
static int has_prefix(const char* prefix) {
    for (const char* s = text; (s = strstr(s, prefix)) != NULL; s++) {
        if (s == text || s[-1] == '\n') {
            return 1;
        }
    }
    return 0;
}

int main(void) {
    check_start("/tmp/proc");
    char buf[512];
    struct statfs sf;
    struct stat st;

    mkdir("/proc", 0555);
    check_ok("mount_proc", mount("proc", "/proc", "proc", 0, NULL));
    check_true("proc_magic", statfs("/proc", &sf) == 0 && sf.f_type == 0x9fa0, "type %lx", (long)sf.f_type);

    long n = readlink("/proc/self", buf, sizeof buf);
    check_true("self_link", n == 1 && buf[0] == '1', "got %ld %.*s", n, (int)(n > 0 ? n : 0), buf);
    n = readlink("/proc/self/exe", buf, sizeof buf);
    check_true("self_exe", n == 5 && memcmp(buf, "/init", 5) == 0, "got %.*s", (int)(n > 0 ? n : 0), buf);
    n = readlink("/proc/1/cwd", buf, sizeof buf);
    check_true("self_cwd", n == 9 && memcmp(buf, "/tmp/proc", 9) == 0, "got %.*s", (int)(n > 0 ? n : 0), buf);
    n = readlink("/proc/self/root", buf, sizeof buf);
    check_true("self_root", n == 1 && buf[0] == '/', "got %.*s", (int)(n > 0 ? n : 0), buf);
    n = get_file("/proc/self/cmdline", text, sizeof text);
    check_true("self_cmdline", n == 6 && memcmp(text, "/init", 6) == 0, "len %ld", n);
    get_file("/proc/self/stat", text, sizeof text);
    check_true("self_stat", strncmp(text, "1 (init) R 0 ", 13) == 0, "got %.40s", text);
    get_file("/proc/self/status", text, sizeof text);
    check_true("status_name", has_line("Name:\tinit"), "no Name line");
    check_true("status_state", has_line("State:\tR (running)"), "no State line");
    check_true("status_pid", has_line("Pid:\t1") && has_line("PPid:\t0"), "no Pid/PPid lines");
    check_true("status_uid", has_line("Uid:\t0\t0\t0\t0") && has_line("Gid:\t0\t0\t0\t0"), "no Uid/Gid lines");
    get_file("/proc/self/maps", text, sizeof text);
    check_true("maps_init", strstr(text, " /init\n") != NULL, "no /init mapping");
    check_true("maps_stack", strstr(text, " [stack]\n") != NULL, "no [stack]");
    struct stat a, b;
    check_true("self_is_pid", stat("/proc/self", &a) == 0 && stat("/proc/1", &b) == 0 && a.st_ino == b.st_ino,
               "inodes differ");
    check_err("proc_missing_pid", stat("/proc/99999", &st), ENOENT);
    check_err("proc_missing_file", open("/proc/nosuch", O_RDONLY), ENOENT);

    // /proc/self/fd: one symlink per open fd.
    int fd = open("file", O_RDWR | O_CREAT, 0644);
    write(fd, "abcdef", 6);
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd);
    char target[256];
    n = readlink(buf, target, sizeof target);
    check_true("fd_link", n == 14 && memcmp(target, "/tmp/proc/file", 14) == 0, "got %.*s", (int)(n > 0 ? n : 0),
               target);
    int re = open(buf, O_RDONLY);
    check_true("fd_reopen_own_offset", re >= 0 && read(re, target, 3) == 3 && memcmp(target, "abc", 3) == 0,
               "fd %d", re);
    close(re);
    unlink("file");
    n = readlink(buf, target, sizeof target);
    check_true("fd_link_deleted", n == 24 && memcmp(target, "/tmp/proc/file (deleted)", 24) == 0, "got %.*s",
               (int)(n > 0 ? n : 0), target);
    int p[2];
    pipe(p);
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", p[0]);
    n = readlink(buf, target, sizeof target);
    check_true("fd_link_pipe", n > 6 && memcmp(target, "pipe:[", 6) == 0 && target[n - 1] == ']', "got %.*s",
               (int)(n > 0 ? n : 0), target);
    int e = eventfd(0, 0);
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", e);
    n = readlink(buf, target, sizeof target);
    check_true("fd_link_eventfd", n == 20 && memcmp(target, "anon_inode:[eventfd]", 20) == 0, "got %.*s",
               (int)(n > 0 ? n : 0), target);
    check_err("fd_link_closed", readlink("/proc/self/fd/77", target, sizeof target), ENOENT);
    int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    check_ok("fd_dir_open", dfd);
    check_true("fd_dir_entries", fstatat(dfd, "0", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
                                     fstatat(dfd, "2", &st, AT_SYMLINK_NOFOLLOW) == 0,
               "no 0/2 entries");
    close(dfd);

    // System-wide files.
    get_file("/proc/meminfo", text, sizeof text);
    unsigned long kb = 0;
    check_true("meminfo_total", sscanf(text, "MemTotal: %lu kB", &kb) == 1 && kb > 100000 && kb < 600000, "kb %lu",
               kb);
    check_true("meminfo_lines", has_prefix("MemFree:") && has_prefix("MemAvailable:") && has_prefix("SwapTotal:"),
               "missing lines");
    get_file("/proc/cpuinfo", text, sizeof text);
    check_true("cpuinfo_processor", has_line("processor\t: 0"), "no processor line");
    check_true("cpuinfo_flags", has_prefix("flags\t\t: "), "no flags line");
    get_file("/proc/uptime", text, sizeof text);
    unsigned long s1, c1, s2, c2;
    char nl = 0;
    check_true("uptime_format", sscanf(text, "%lu.%2lu %lu.%2lu%c", &s1, &c1, &s2, &c2, &nl) == 5 && nl == '\n',
               "got %s", text);
    get_file("/proc/filesystems", text, sizeof text);
    check_true("filesystems_tmpfs", has_line("nodev\ttmpfs"), "no tmpfs");
    check_true("filesystems_proc", has_line("nodev\tproc"), "no proc");
    mkdir("m", 0755);
    mount("none", "/tmp/proc/m", "tmpfs", 0, NULL);
    get_file("/proc/mounts", text, sizeof text);
    check_true("mounts_rootfs", has_prefix("rootfs / rootfs rw"), "no rootfs line: %.60s", text);
    check_true("mounts_proc", has_line("proc /proc proc rw,relatime 0 0"), "no proc line");
    check_true("mounts_tmpfs", has_line("none /tmp/proc/m tmpfs rw,relatime,inode64 0 0"), "no tmpfs line in %s", text);
    get_file("/proc/self/mounts", buf, sizeof buf);
    check_true("self_mounts_same", strncmp(buf, text, 64) == 0, "differ");

    return check_end("vfs_proc");
}
