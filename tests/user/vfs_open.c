// open/openat/creat on a writable root: each flag (O_CREAT, O_EXCL, O_TRUNC,
// O_APPEND, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_PATH), the umask, dirfds,
// name and path length limits, trailing slashes, and the errno of each
// failure in Linux's order of checks.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/mman.h>

int main(void) {
    check_start("/tmp/open");
    char buf[64];
    struct stat st;

    // O_CREAT: a new regular file, mode filtered by the umask (022).
    int fd = open("new", O_RDWR | O_CREAT, 0777);
    check_ok("open_creat", fd);
    check_true("open_creat_mode", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0755,
               "mode %o", st.st_mode);
    check_eq("open_creat_size0", st.st_size, 0);
    check_eq("open_write", write(fd, "hello", 5), 5);
    close(fd);
    umask(077);
    fd = open("masked", O_WRONLY | O_CREAT, 0666);
    check_true("open_umask077", fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "mode %o", st.st_mode);
    close(fd);
    check_eq("umask_returns_old", umask(022), 077);

    // O_CREAT on an existing file opens it unchanged; O_EXCL refuses it.
    fd = open("new", O_RDONLY | O_CREAT, 0600);
    check_true("open_creat_existing", fd >= 0 && read(fd, buf, 10) == 5, "fd %d", fd);
    check_true("open_creat_existing_mode", fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0755, "mode %o", st.st_mode);
    close(fd);
    check_err("open_excl_existing", open("new", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    fd = open("new", O_RDONLY | O_EXCL); // O_EXCL without O_CREAT is ignored
    check_ok("open_excl_without_creat", fd);
    close(fd);
    check_err("open_missing", open("missing", O_RDONLY), ENOENT);
    check_err("open_creat_missing_dir", open("nodir/x", O_RDWR | O_CREAT, 0644), ENOENT);
    check_err("open_creat_under_file", open("new/x", O_RDWR | O_CREAT, 0644), ENOTDIR);

    // O_TRUNC empties a file, even opened read-only (Linux does).
    put_file("trunc", "0123456789");
    fd = open("trunc", O_WRONLY | O_TRUNC);
    check_true("open_trunc", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "size %ld", (long)st.st_size);
    close(fd);
    put_file("trunc", "0123456789");
    fd = open("trunc", O_RDONLY | O_TRUNC);
    check_true("open_trunc_rdonly", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "size %ld", (long)st.st_size);
    close(fd);

    // creat() is O_CREAT|O_WRONLY|O_TRUNC.
    put_file("c", "abcdef");
    fd = creat("c", 0644);
    check_true("creat_truncates", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "size %ld", (long)st.st_size);
    check_err("creat_wronly", read(fd, buf, 1), EBADF);
    check_eq("creat_getfl", fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(fd);

    // O_APPEND: every write goes to the end, whatever the offset.
    put_file("app", "abc");
    fd = open("app", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "de", 2);
    check_eq("append_offset", lseek(fd, 0, SEEK_CUR), 5);
    lseek(fd, 1, SEEK_SET);
    write(fd, "f", 1);
    // Linux: pwrite on an O_APPEND file appends too (documented bug).
    pwrite(fd, "g", 1, 0);
    close(fd);
    get_file("app", buf, sizeof buf);
    check_str("append_content", buf, "abcdefg");
    fd = open("app", O_RDWR);
    check_true("setfl_append", fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND), "no O_APPEND");
    write(fd, "h", 1);
    close(fd);
    get_file("app", buf, sizeof buf);
    check_str("setfl_append_content", buf, "abcdefgh");

    // O_CLOEXEC sets FD_CLOEXEC; without it the flag is clear.
    fd = open("new", O_RDONLY | O_CLOEXEC);
    check_eq("cloexec_set", fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
    fd = open("new", O_RDONLY);
    check_eq("cloexec_clear", fcntl(fd, F_GETFD), 0);
    close(fd);

    // Directories.
    mkdir("d", 0755);
    fd = open("d", O_RDONLY);
    check_ok("open_dir_rdonly", fd);
    check_err("read_dir", read(fd, buf, 1), EISDIR);
    close(fd);
    check_err("open_dir_wronly", open("d", O_WRONLY), EISDIR);
    check_err("open_dir_rdwr", open("d", O_RDWR), EISDIR);
    check_err("open_dir_creat", open("d", O_RDONLY | O_CREAT, 0644), EISDIR);
    check_err("open_directory_file", open("new", O_RDONLY | O_DIRECTORY), ENOTDIR);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    check_ok("open_directory_dir", fd);
    close(fd);

    // Trailing slashes: only directories may have one.
    check_err("open_file_slash", open("new/", O_RDONLY), ENOTDIR);
    check_err("open_creat_slash", open("fresh/", O_RDWR | O_CREAT, 0644), EISDIR);
    check_err("open_creat_slash_nofile", access("fresh", F_OK), ENOENT);
    fd = open("d/", O_RDONLY);
    check_ok("open_dir_slash", fd);
    close(fd);
    fd = open("d//.//", O_RDONLY);
    check_ok("open_dir_slashes_dots", fd);
    close(fd);

    // Symbolic links: followed, except by O_NOFOLLOW (ELOOP) on the last
    // component; O_CREAT through a dangling link creates its target;
    // O_CREAT|O_EXCL refuses any existing name, a dangling link included.
    symlink("new", "ln");
    symlink("target", "dangle");
    symlink("d", "dirln");
    fd = open("ln", O_RDONLY);
    check_true("open_symlink", fd >= 0 && read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "fd %d", fd);
    close(fd);
    check_err("open_nofollow_link", open("ln", O_RDONLY | O_NOFOLLOW), ELOOP);
    fd = open("dirln/", O_RDONLY | O_NOFOLLOW); // the slash makes the link a middle component
    check_ok("open_nofollow_slash", fd);
    close(fd);
    fd = open("new", O_RDONLY | O_NOFOLLOW);
    check_ok("open_nofollow_file", fd);
    close(fd);
    check_err("open_excl_dangling", open("dangle", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    check_err("open_dangling", open("dangle", O_RDONLY), ENOENT);
    fd = open("dangle", O_WRONLY | O_CREAT, 0644);
    check_ok("open_creat_dangling", fd);
    close(fd);
    check_ok("dangling_target_created", access("target", F_OK));
    check_err("open_directory_symlink_nofollow", open("dirln", O_RDONLY | O_DIRECTORY | O_NOFOLLOW), ENOTDIR);

    // openat: relative to a dirfd, absolute paths ignore it, AT_FDCWD.
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "inner", O_RDWR | O_CREAT, 0644);
    check_ok("openat_creat", fd);
    close(fd);
    check_ok("openat_created_in_dir", access("d/inner", F_OK));
    fd = openat(AT_FDCWD, "d/inner", O_RDONLY);
    check_ok("openat_fdcwd", fd);
    close(fd);
    fd = openat(12345, "/tmp/open/new", O_RDONLY);
    check_ok("openat_abs_ignores_fd", fd);
    close(fd);
    check_err("openat_badfd", openat(12345, "new", O_RDONLY), EBADF);
    fd = open("new", O_RDONLY);
    check_err("openat_filefd", openat(fd, "x", O_RDONLY), ENOTDIR);
    close(fd);
    check_err("openat_empty", openat(dfd, "", O_RDONLY), ENOENT);
    fd = openat(dfd, "..", O_RDONLY);
    check_true("openat_dotdot", fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode), "fd %d", fd);
    close(fd);

    // O_PATH: a handle for fstat, *at() and fchdir, not for I/O.
    fd = open("new", O_PATH);
    check_ok("opath_open", fd);
    check_err("opath_read", read(fd, buf, 1), EBADF);
    check_err("opath_write", write(fd, "x", 1), EBADF);
    check_true("opath_fstat", fstat(fd, &st) == 0 && st.st_size == 5, "size %ld", (long)st.st_size);
    check_true("opath_getfl", (fcntl(fd, F_GETFL) & O_PATH) != 0, "flags %x", fcntl(fd, F_GETFL));
    check_err("opath_ioctl", ioctl(fd, FIONREAD, buf), EBADF);
    check_true("opath_mmap", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EBADF,
               "errno %s", errname(errno));
    close(fd);
    fd = open("ln", O_PATH | O_NOFOLLOW);
    check_true("opath_nofollow_is_link",
               fd >= 0 && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode), "fd %d mode %o", fd,
               st.st_mode);
    check_eq("opath_readlinkat_empty", readlinkat(fd, "", buf, sizeof buf), 3);
    close(fd);
    int pd = open("d", O_PATH | O_DIRECTORY);
    fd = openat(pd, "inner", O_RDONLY);
    check_ok("opath_dirfd_openat", fd);
    close(fd);
    check_ok("opath_fchdir", fchdir(pd));
    check_ok("opath_fchdir_relative", access("inner", F_OK));
    chdir("/tmp/open");
    close(pd);
    close(dfd);

    // Names of 255 bytes are fine, 256 is ENAMETOOLONG; a path of 4095
    // bytes resolves, 4096 (no room for the NUL in PATH_MAX) does not.
    char name[300];
    memset(name, 'n', 255);
    name[255] = 0;
    fd = open(name, O_RDWR | O_CREAT, 0644);
    check_ok("open_name255", fd);
    close(fd);
    name[255] = 'n';
    name[256] = 0;
    check_err("open_name256", open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
    check_err("open_name256_nocreat", open(name, O_RDONLY), ENAMETOOLONG);
    char* path = malloc(5000);
    size_t len = 0;
    while (len < 4095 - strlen("/tmp/open/new")) {
        memcpy(path + len, "./", 2);
        len += 2;
    }
    path[len] = 0;
    // pad with a leading run of slashes so the total is exactly 4095
    char* full = malloc(5000);
    size_t pad = 4095 - len - strlen("/tmp/open/new");
    memset(full, '/', pad + 1);
    strcpy(full + pad + 1, "tmp/open/");
    strcat(full, path);
    strcat(full, "new");
    check_eq("path4095_len", (long)strlen(full), 4095);
    fd = open(full, O_RDONLY);
    check_ok("open_path4095", fd);
    close(fd);
    memmove(full + 1, full, strlen(full) + 1);
    full[0] = '/';
    check_eq("path4096_len", (long)strlen(full), 4096);
    check_err("open_path4096", open(full, O_RDONLY), ENAMETOOLONG);

    // Bad flags and addresses.
    check_err("open_efault", open((const char*)16, O_RDONLY), EFAULT);
    check_err("open_empty", open("", O_RDONLY), ENOENT);
    check_err("open_creat_empty", open("", O_RDWR | O_CREAT, 0644), ENOENT);

    return check_end("vfs_open");
}
