// Directories: mkdir/mkdirat, rmdir, unlink/unlinkat, link counts,
// getdents64 (all entries once, across small buffers and after changes),
// and the current directory: chdir/fchdir/getcwd, a removed cwd.
#include "check.h"

struct dirent64_ {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

// Counts the entries of a directory (including . and ..) with a buffer of
// `bufsize`; also reports whether `want` was seen and its d_type.
static int count_entries(const char* path, int bufsize, const char* want, int* type) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return -1;
    }
    char buf[4096] __attribute__((aligned(8)));
    int n = 0;
    long r;
    *type = -1;
    while ((r = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
        for (long off = 0; off < r;) {
            struct dirent64_* d = (struct dirent64_*)(buf + off);
            if (want != NULL && strcmp(d->d_name, want) == 0) {
                *type = d->d_type;
            }
            n++;
            off += d->d_reclen;
        }
    }
    close(fd);
    return r < 0 ? -1 : n;
}

int main(void) {
    check_start("/tmp/dir");
    struct stat st;
    char buf[256];
    int type;

    // mkdir, its mode, and the link counts it changes.
    stat(".", &st);
    long nlink0 = st.st_nlink;
    check_eq("fresh_dir_nlink", nlink0, 2);
    check_ok("mkdir", mkdir("a", 0777));
    check_true("mkdir_mode", stat("a", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755, "mode %o",
               st.st_mode);
    check_eq("mkdir_nlink", st.st_nlink, 2);
    stat(".", &st);
    check_eq("mkdir_parent_nlink", st.st_nlink, nlink0 + 1);
    check_err("mkdir_exists", mkdir("a", 0755), EEXIST);
    put_file("file", "x");
    check_err("mkdir_exists_file", mkdir("file", 0755), EEXIST);
    check_err("mkdir_missing_parent", mkdir("no/such", 0755), ENOENT);
    check_err("mkdir_under_file", mkdir("file/sub", 0755), ENOTDIR);
    check_ok("mkdir_trailing_slash", mkdir("b/", 0755));
    check_err("mkdir_dot", mkdir(".", 0755), EEXIST);
    check_err("mkdir_dotdot", mkdir("..", 0755), EEXIST);
    check_err("mkdir_empty", mkdir("", 0755), ENOENT);
    symlink("a", "lnk");
    symlink("nowhere", "dangling");
    check_err("mkdir_on_symlink", mkdir("lnk", 0755), EEXIST);
    check_err("mkdir_on_dangling", mkdir("dangling", 0755), EEXIST);
    check_true("mkdir_sticky_kept", mkdir("s", 01777) == 0 && stat("s", &st) == 0 && (st.st_mode & 07777) == 01755,
               "mode %o", st.st_mode);
    int dfd = open("a", O_RDONLY | O_DIRECTORY);
    check_ok("mkdirat", mkdirat(dfd, "in", 0700));
    check_ok("mkdirat_made", access("a/in", F_OK));
    check_ok("mkdir_deep", mkdir("a/in/deeper", 0755));
    stat("a", &st);
    check_eq("nested_nlink", st.st_nlink, 3);

    // getdents64: every entry once, with the right type, even through a
    // buffer that holds one entry at a time.
    for (int i = 0; i < 50; i++) {
        snprintf(buf, sizeof buf, "a/f%02d", i);
        put_file(buf, "");
    }
    check_eq("getdents_count", count_entries("a", 4096, "f49", &type), 53);
    check_eq("getdents_type_reg", type, DT_REG);
    check_eq("getdents_small_buf", count_entries("a", 40, "in", &type), 53);
    check_eq("getdents_type_dir", type, DT_DIR);
    count_entries(".", 4096, "lnk", &type);
    check_eq("getdents_type_lnk", type, DT_LNK);
    int fd = open("a", O_RDONLY | O_DIRECTORY);
    check_err("getdents_tiny_buf", syscall(SYS_getdents64, fd, buf, 10), EINVAL);
    check_err("getdents_badfd", syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF);
    check_err("getdents_efault", syscall(SYS_getdents64, fd, (void*)16, 4096), EFAULT);
    close(fd);
    fd = open("file", O_RDONLY);
    check_err("getdents_notdir", syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    // Rewinding with lseek(0) lists everything again.
    fd = open("b", O_RDONLY | O_DIRECTORY);
    long r1 = syscall(SYS_getdents64, fd, buf, sizeof buf);
    check_eq("getdents_end", syscall(SYS_getdents64, fd, buf, sizeof buf), 0);
    check_eq("getdents_rewind", lseek(fd, 0, SEEK_SET), 0);
    check_eq("getdents_again", syscall(SYS_getdents64, fd, buf, sizeof buf), r1);
    close(fd);

    // unlink and rmdir.
    check_ok("unlink", unlink("a/f00"));
    check_err("unlink_again", unlink("a/f00"), ENOENT);
    check_err("unlink_dir", unlink("b"), EISDIR);
    check_err("unlink_trailing_slash", unlink("file/"), ENOTDIR);
    check_ok("unlink_symlink_not_target", unlink("lnk"));
    check_ok("symlink_target_kept", access("a", F_OK));
    check_ok("unlinkat", unlinkat(dfd, "f01", 0));
    check_err("unlinkat_bad_flag", unlinkat(dfd, "f02", 0x1), EINVAL);
    check_err("unlinkat_removedir_file", unlinkat(dfd, "f02", AT_REMOVEDIR), ENOTDIR);
    check_err("rmdir_not_empty", rmdir("a"), ENOTEMPTY);
    check_err("rmdir_file", rmdir("file"), ENOTDIR);
    check_err("rmdir_missing", rmdir("nope"), ENOENT);
    check_err("rmdir_dot", rmdir("b/."), EINVAL);
    check_err("rmdir_dotdot", rmdir("b/.."), ENOTEMPTY);
    check_err("rmdir_symlink", rmdir("dangling"), ENOTDIR);
    check_ok("rmdir_trailing_slash", rmdir("b/"));
    check_ok("unlinkat_removedir", unlinkat(dfd, "in/deeper", AT_REMOVEDIR));
    check_ok("rmdir_nested", rmdir("a/in"));
    stat("a", &st);
    check_eq("rmdir_parent_nlink", st.st_nlink, 2);
    check_err("mkdirat_badfd", mkdirat(999, "x", 0755), EBADF);
    close(dfd);

    // The current directory.
    check_ok("chdir", chdir("a"));
    check_str("getcwd", getcwd(buf, sizeof buf), "/tmp/dir/a");
    check_err("getcwd_erange", syscall(SYS_getcwd, buf, 5), ERANGE);
    check_eq("getcwd_returns_len", syscall(SYS_getcwd, buf, sizeof buf), (long)strlen("/tmp/dir/a") + 1);
    check_err("getcwd_efault", syscall(SYS_getcwd, (void*)16, sizeof buf), EFAULT);
    check_ok("chdir_dotdot", chdir(".."));
    check_str("getcwd_after_dotdot", getcwd(buf, sizeof buf), "/tmp/dir");
    check_err("chdir_file", chdir("file"), ENOTDIR);
    check_err("chdir_missing", chdir("nope"), ENOENT);
    check_err("chdir_empty", chdir(""), ENOENT);
    mkdir("c", 0755);
    symlink("c", "clink");
    check_ok("chdir_symlink", chdir("clink"));
    check_str("getcwd_resolved", getcwd(buf, sizeof buf), "/tmp/dir/c");
    fd = open("/tmp/dir/a", O_RDONLY);
    check_ok("fchdir", fchdir(fd));
    check_str("getcwd_fchdir", getcwd(buf, sizeof buf), "/tmp/dir/a");
    close(fd);
    fd = open("/tmp/dir/file", O_RDONLY);
    check_err("fchdir_file", fchdir(fd), ENOTDIR);
    close(fd);
    check_err("fchdir_badfd", fchdir(999), EBADF);
    // A removed cwd: getcwd fails with ENOENT, "." still stats, creating
    // in it is ENOENT.
    chdir("/tmp/dir/c");
    check_ok("rmdir_cwd", rmdir("/tmp/dir/c"));
    check_err("getcwd_removed", syscall(SYS_getcwd, buf, sizeof buf), ENOENT);
    check_true("stat_removed_cwd", stat(".", &st) == 0 && st.st_nlink == 0, "nlink %ld", (long)st.st_nlink);
    check_err("create_in_removed", open("x", O_RDWR | O_CREAT, 0644), ENOENT);
    check_err("mkdir_in_removed", mkdir("x", 0755), ENOENT);
    check_ok("chdir_out_of_removed", chdir(".."));
    check_str("getcwd_back", getcwd(buf, sizeof buf), "/tmp/dir");
    chdir("/");
    check_ok("chdir_root", chdir(".."));
    check_str("root_dotdot_is_root", getcwd(buf, sizeof buf), "/");

    return check_end("vfs_dir");
}
