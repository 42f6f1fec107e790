// Bad input across the path syscalls: ENAMETOOLONG for a 256-byte name and a
// 4096-byte path, EFAULT, ELOOP, ENOTDIR and ENOENT, and which one wins when
// several apply (Linux walks the path left to right, so the first bad
// component decides); the special names "/", "." and "..".
#include "check.h"
#include <sys/mount.h>
#include <sys/statfs.h>

int main(void) {
    check_start("/tmp/err");
    struct stat st;
    struct statfs sf;
    char buf[64];
    put_file("file", "x");
    mkdir("dir", 0755);
    symlink("loop", "loop");

    char name[300];
    memset(name, 'a', 256);
    name[256] = 0;
    check_err("stat_name256", stat(name, &st), ENAMETOOLONG);
    check_err("lstat_name256", lstat(name, &st), ENAMETOOLONG);
    check_err("mkdir_name256", mkdir(name, 0755), ENAMETOOLONG);
    check_err("rmdir_name256", rmdir(name), ENAMETOOLONG);
    check_err("unlink_name256", unlink(name), ENAMETOOLONG);
    check_err("link_name256", link("file", name), ENAMETOOLONG);
    check_err("symlink_name256", symlink("file", name), ENAMETOOLONG);
    check_err("readlink_name256", readlink(name, buf, sizeof buf), ENAMETOOLONG);
    check_err("chmod_name256", chmod(name, 0644), ENAMETOOLONG);
    check_err("chown_name256", chown(name, 0, 0), ENAMETOOLONG);
    check_err("truncate_name256", truncate(name, 0), ENAMETOOLONG);
    check_err("access_name256", access(name, F_OK), ENAMETOOLONG);
    check_err("chdir_name256", chdir(name), ENAMETOOLONG);
    check_err("mknod_name256", mknod(name, S_IFIFO | 0644, 0), ENAMETOOLONG);
    check_err("statfs_name256", statfs(name, &sf), ENAMETOOLONG);
    check_err("utimensat_name256", utimensat(AT_FDCWD, name, NULL, 0), ENAMETOOLONG);
    check_err("rename_name256", rename("file", name), ENAMETOOLONG);
    name[255] = 0;
    check_ok("mkdir_name255", mkdir(name, 0755));
    check_ok("rmdir_name255", rmdir(name));

    // 4096-byte paths: too long before any lookup.
    char* longp = malloc(4200);
    memset(longp, '/', 4096);
    longp[4096] = 0;
    check_err("stat_path4096", stat(longp, &st), ENAMETOOLONG);
    check_err("mkdir_path4096", mkdir(longp, 0755), ENAMETOOLONG);
    check_err("chdir_path4096", chdir(longp), ENAMETOOLONG);
    longp[4095] = 0;
    check_ok("stat_path4095_slashes", stat(longp, &st));

    // EFAULT for unreadable paths and unwritable buffers.
    const char* bad = (const char*)16;
    check_err("stat_efault", stat(bad, &st), EFAULT);
    check_err("mkdir_efault", mkdir(bad, 0755), EFAULT);
    check_err("unlink_efault", unlink(bad), EFAULT);
    check_err("rename_efault_new", rename("file", bad), EFAULT);
    check_err("symlink_efault_target", symlink(bad, "s"), EFAULT);
    check_err("readlink_efault_buf", (symlink("file", "sl"), readlink("sl", (char*)16, 10)), EFAULT);
    check_err("chdir_efault", chdir(bad), EFAULT);
    check_err("access_efault", access(bad, F_OK), EFAULT);
    check_err("getcwd_efault", syscall(SYS_getcwd, (char*)16, 100), EFAULT);

    // Order: the first bad component decides.
    memcpy(name, "nope/", 5);
    memset(name + 5, 'a', 256);
    name[261] = 0;
    check_err("order_missing_then_long", stat(name, &st), ENOENT);
    memset(name, 'b', 256);
    memcpy(name + 256, "/x", 3);
    check_err("order_long_then_missing", stat(name, &st), ENAMETOOLONG);
    check_err("order_file_then_missing", stat("file/nope/x", &st), ENOTDIR);
    check_err("order_missing_then_file", stat("nope/file", &st), ENOENT);
    check_err("order_loop_then_missing", stat("loop/nope", &st), ELOOP);
    check_err("order_file_dot", stat("file/.", &st), ENOTDIR);
    check_err("order_file_dotdot", stat("file/..", &st), ENOTDIR);
    check_err("mkdir_loop_parent", mkdir("loop/x", 0755), ELOOP);
    check_err("unlink_loop_parent", unlink("loop/x"), ELOOP);
    check_ok("unlink_loop_itself", unlink("loop"));
    check_err("creat_exists_dir_slash", open("dir/", O_WRONLY | O_CREAT, 0644), EISDIR);
    check_err("mkdir_existing_dir", mkdir("dir", 0755), EEXIST);

    // "/", "." and "..".
    check_err("unlink_root", unlink("/"), EISDIR);
    check_err("rmdir_root", rmdir("/"), EBUSY);
    check_err("mkdir_root", mkdir("/", 0755), EEXIST);
    check_err("unlink_dot", unlink("."), EISDIR);
    check_err("unlink_dotdot", unlink(".."), EISDIR);
    check_err("rmdir_dot", rmdir("."), EINVAL);
    check_err("rmdir_dotdot", rmdir(".."), ENOTEMPTY);
    check_err("link_dot", link(".", "x"), EPERM);
    check_err("symlink_at_dot", symlink("x", "."), EEXIST);
    check_err("mknod_at_dotdot", mknod("..", S_IFIFO | 0644, 0), EEXIST);
    check_err("rename_to_root", rename("file", "/"), EBUSY);
    check_true("root_dotdot_is_root", stat("/..", &st) == 0 && S_ISDIR(st.st_mode), "mode %o", st.st_mode);
    struct stat r;
    stat("/", &r);
    check_true("dotdot_of_root_same_inode", st.st_ino == r.st_ino, "differ");

    // Bad fds and dirfds for the *at calls.
    check_err("mkdirat_badfd", mkdirat(-5, "x", 0755), EBADF);
    check_err("unlinkat_badfd", unlinkat(-5, "x", 0), EBADF);
    check_err("fchmodat_badfd", fchmodat(-5, "x", 0644, 0), EBADF);
    check_err("symlinkat_badfd", symlinkat("t", -5, "x"), EBADF);
    check_err("readlinkat_badfd", readlinkat(-5, "x", buf, sizeof buf), EBADF);
    check_err("faccessat_badfd", syscall(SYS_faccessat, -5, "x", F_OK), EBADF);
    int f = open("file", O_RDONLY);
    check_err("mkdirat_filefd", mkdirat(f, "x", 0755), ENOTDIR);
    check_err("unlinkat_filefd", unlinkat(f, "x", 0), ENOTDIR);
    check_ok("mkdirat_filefd_abs", mkdirat(f, "/tmp/err/abs", 0755));
    close(f);

    return check_end("vfs_errors");
}
