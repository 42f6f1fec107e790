// execve failures, each returning to the (intact) calling image with
// Linux's errno: ENOENT, ENOTDIR, EACCES (directory, no x bit), ENOEXEC
// (garbage, truncated ELF), EFAULT (path, argv), E2BIG (one string over
// 128 KiB, and too much in all), ENAMETOOLONG, ELOOP, ETXTBSY both ways.
#include "ptest.h"

static char* one[] = {"x", NULL};

static long ex(const char* path, char** argv) { return syscall(SYS_execve, path, argv, NULL); }

int main(void) {
    check_start("/tmp/execerr");
    check_err("enoent", ex("/nonexistent", one), ENOENT);
    check_err("empty_path", ex("", one), ENOENT);
    check_err("enotdir", ex("/init/x", one), ENOTDIR);
    check_err("directory_eacces", ex("/tmp", one), EACCES);
    put_file("noexec", "#!/init\n");
    check_err("no_x_bit_eacces", ex("noexec", one), EACCES);
    put_file("garbage", "this is not a program\n");
    chmod("garbage", 0755);
    check_err("garbage_enoexec", ex("./garbage", one), ENOEXEC);
    int fd = open("short-elf", O_WRONLY | O_CREAT, 0755);
    write(fd, "\177ELF\2\1\1", 7);
    close(fd);
    check_err("truncated_elf_enoexec", ex("./short-elf", one), ENOEXEC);
    check_err("path_efault", ex((const char*)8, one), EFAULT);
    check_err("argv_efault", ex("/init", (char**)8), EFAULT);
    char* bad_elem[] = {"x", (char*)8, NULL};
    check_err("argv_elem_efault", ex("/init", bad_elem), EFAULT);

    size_t big = 140 * 1024;
    char* s = malloc(big);
    memset(s, 'a', big - 1);
    s[big - 1] = 0;
    char* huge1[] = {"x", s, NULL};
    check_err("e2big_one_string", ex("/init", huge1), E2BIG);
    s[100 * 1024] = 0;
    char* many[40];
    for (int i = 0; i < 39; i++) { // 3.9 MB > 8 MiB stack / 4
        many[i] = s;
    }
    many[39] = NULL;
    check_err("e2big_total", ex("/init", many), E2BIG);
    char longpath[5000];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = 0;
    check_err("enametoolong", ex(longpath, one), ENAMETOOLONG);
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    check_err("eloop", ex("loop1", one), ELOOP);

    // A program open for writing cannot run (ETXTBSY), and a running one
    // cannot be opened for writing.
    int in = open("/init", O_RDONLY);
    int out = open("copy", O_WRONLY | O_CREAT, 0755);
    char buf[65536];
    long n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        write(out, buf, n);
    }
    close(in);
    check_err("exec_open_for_write_etxtbsy", ex("./copy", one), ETXTBSY);
    close(out);
    check_err("open_running_for_write_etxtbsy", open("/init", O_WRONLY), ETXTBSY);
    check_true("still_running_after_failures", getpid() == 1, "pid %d", getpid());
    return check_end("exec_errors");
}
