// execve and execveat failures, each before the point of no return, so the
// calling image survives every one of them: path errors, permission and
// file-type errors, ENOEXEC, bad #! lines, script recursion, E2BIG,
// EFAULT, bad flags and fds, and corrupt ELF files made from /init (a
// PT_INTERP that is missing, not executable, not ELF, not NUL-terminated).
#include "check.h"
#include <elf.h>
#include <sys/mman.h>

static char* const args[] = {"x", NULL};
static char* const env[] = {NULL};

static long ex(const char* path) {
    return execve(path, args, env);
}

static void script(const char* path, const char* text, int mode) {
    check_require(path, put_file(path, text) == 0 && chmod(path, mode) == 0);
}

// A copy of /init whose PT_GNU_STACK header becomes a PT_INTERP naming
// `interp` (with its NUL unless `no_nul`), appended to the file.
static void elf_with_interp(const char* path, const char* interp, int no_nul) {
    static char buf[4 << 20];
    int fd = open("/init", O_RDONLY);
    long n = read(fd, buf, sizeof buf);
    close(fd);
    check_require("read /init", n > 0 && n < (long)sizeof buf - 4096);
    Elf64_Ehdr* eh = (Elf64_Ehdr*)buf;
    Elf64_Phdr* ph = (Elf64_Phdr*)(buf + eh->e_phoff);
    int found = 0;
    for (int i = 0; i < eh->e_phnum; ++i) {
        if (ph[i].p_type == PT_GNU_STACK) {
            ph[i].p_type = PT_INTERP;
            ph[i].p_offset = n;
            ph[i].p_filesz = strlen(interp) + (no_nul ? 0 : 1);
            found = 1;
        }
    }
    check_require("PT_GNU_STACK", found);
    memcpy(buf + n, interp, strlen(interp) + 1);
    n += strlen(interp) + 1;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    check_require("write elf", write(fd, buf, n) == n);
    close(fd);
}

int main(void) {
    check_start("/tmp/x");
    // The walk.
    check_err("ENOENT", ex("/nonexistent"), ENOENT);
    check_err("ENOENT empty", ex(""), ENOENT);
    check_err("ENOTDIR", ex("/init/x"), ENOTDIR);
    check_ok("loop a", symlink("b", "a"));
    check_ok("loop b", symlink("a", "b"));
    check_err("ELOOP", ex("a"), ELOOP);
    // Not executable, not regular.
    script("noexec", "#!/bin/exec_child\n", 0644);
    check_err("EACCES mode", ex("noexec"), EACCES);
    check_err("EACCES dir", ex("/tmp"), EACCES);
    check_err("EACCES dev", ex("/dev/console"), EACCES);
    check_ok("mkfifo", mknod("fifo", S_IFIFO | 0755, 0));
    check_err("EACCES fifo", ex("fifo"), EACCES);
    // No format.
    script("text", "echo hello\n", 0755);
    check_err("ENOEXEC text", ex("text"), ENOEXEC);
    script("empty", "", 0755);
    check_err("ENOEXEC empty", ex("empty"), ENOEXEC);
    script("bang", "#!\n", 0755);
    check_err("ENOEXEC #! alone", ex("bang"), ENOEXEC);
    script("blank", "#!    \t \n", 0755);
    check_err("ENOEXEC #! blanks", ex("blank"), ENOEXEC);
    char longline[300];
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "#!/", 3);
    longline[sizeof longline - 1] = 0;
    script("long", longline, 0755);
    check_err("ENOEXEC truncated interpreter", ex("long"), ENOEXEC);
    script("missing", "#!/nonexistent/sh -x\n", 0755);
    check_err("ENOENT interpreter", ex("missing"), ENOENT);
    script("totext", "#!/tmp/x/text\n", 0755);
    check_err("ENOEXEC interpreter is text", ex("totext"), ENOEXEC);
    script("tonoexec", "#!/tmp/x/noexec\n", 0755);
    check_err("EACCES interpreter", ex("tonoexec"), EACCES);
    script("self", "#!/tmp/x/self\n", 0755);
    check_err("ELOOP self", ex("self"), ELOOP);
    // Five levels of scripts run; six do not.
    script("l0", "#!/bin/exec_child\n", 0755);
    script("l1", "#!/tmp/x/l0\n", 0755);
    script("l2", "#!/tmp/x/l1\n", 0755);
    script("l3", "#!/tmp/x/l2\n", 0755);
    script("l4", "#!/tmp/x/l3\n", 0755);
    script("l5", "#!/tmp/x/l4\n", 0755);
    check_err("ELOOP depth 6", ex("l5"), ELOOP);
    // Corrupt ELF files.
    char junk[200];
    memset(junk, 0x41, sizeof junk);
    memcpy(junk, "\177ELF", 4);
    int fd = open("badelf", O_WRONLY | O_CREAT, 0755);
    check_require("badelf", write(fd, junk, sizeof junk) == sizeof junk);
    close(fd);
    check_err("ENOEXEC bad ELF", ex("badelf"), ENOEXEC);
    elf_with_interp("interp-missing", "/nonexistent/ld.so", 0);
    check_err("ENOENT PT_INTERP", ex("interp-missing"), ENOENT);
    elf_with_interp("interp-short", "/tmp/x/text", 0);
    check_err("EIO PT_INTERP shorter than a header", ex("interp-short"), EIO);
    script("longtext", "this text file is longer than an ELF header, which is 64 bytes long\n", 0755);
    elf_with_interp("interp-text", "/tmp/x/longtext", 0);
    check_err("ELIBBAD PT_INTERP text", ex("interp-text"), ELIBBAD);
    elf_with_interp("interp-noexec", "/tmp/x/noexec", 0);
    check_err("EACCES PT_INTERP", ex("interp-noexec"), EACCES);
    elf_with_interp("interp-nonul", "/tmp/x/text", 1);
    check_err("ENOEXEC PT_INTERP without NUL", ex("interp-nonul"), ENOEXEC);
    // Arguments.
    check_err("EFAULT path", syscall(SYS_execve, 8L, args, env), EFAULT);
    check_err("EFAULT argv", syscall(SYS_execve, "/bin/exec_child", 8L, env), EFAULT);
    char* badarg[] = {"x", (char*)8, NULL};
    check_err("EFAULT argv[1]", execve("/bin/exec_child", badarg, env), EFAULT);
    check_err("EFAULT envp", syscall(SYS_execve, "/bin/exec_child", args, 8L), EFAULT);
    static char big[140000];
    memset(big, 'b', sizeof big - 1);
    char* bigargs[] = {"x", big, NULL};
    check_err("E2BIG one string", execve("/bin/exec_child", bigargs, env), E2BIG);
    big[100000] = 0;
    char* many[32];
    for (int i = 0; i < 31; ++i) {
        many[i] = big;
    }
    many[31] = NULL;
    check_err("E2BIG total", execve("/bin/exec_child", many, env), E2BIG);
    // execveat.
    int dir = open("/bin", O_RDONLY | O_DIRECTORY);
    check_err("execveat EINVAL", syscall(SYS_execveat, dir, "exec_child", args, env, 0x4), EINVAL);
    check_err("execveat EBADF", syscall(SYS_execveat, 99, "exec_child", args, env, 0), EBADF);
    int file = open("/init", O_RDONLY);
    check_err("execveat ENOTDIR", syscall(SYS_execveat, file, "exec_child", args, env, 0), ENOTDIR);
    check_err("execveat dir EACCES", syscall(SYS_execveat, dir, "", args, env, AT_EMPTY_PATH), EACCES);
    check_err("execveat ENOENT empty", syscall(SYS_execveat, file, "", args, env, 0), ENOENT);
    check_ok("symlink", symlink("/bin/exec_child", "link"));
    check_err("execveat NOFOLLOW", syscall(SYS_execveat, AT_FDCWD, "link", args, env, AT_SYMLINK_NOFOLLOW), ELOOP);
    int pipefd[2];
    check_ok("pipe", pipe(pipefd));
    check_err("execveat pipe", syscall(SYS_execveat, pipefd[0], "", args, env, AT_EMPTY_PATH), EACCES);
    // A script reachable only through a close-on-exec fd.
    int cfd = open("l0", O_RDONLY | O_CLOEXEC);
    check_err("execveat cloexec script", syscall(SYS_execveat, cfd, "", args, env, AT_EMPTY_PATH), ENOENT);
    // Still the old image.
    check_str("image intact", getenv("HOME") ? "home" : "none", "home");
    return check_end("exec_fail");
}
