// The fd table: dup/dup2/dup3, fcntl (DUPFD, DUPFD_CLOEXEC, GETFD/SETFD,
// GETFL/SETFL), shared offsets and status flags between duplicates,
// RLIMIT_NOFILE (EMFILE, EINVAL, EBADF), ioctl FIONREAD/FIONBIO/FIOCLEX.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/resource.h>

int main(void) {
    check_start("/tmp/fd");
    put_file("f", "0123456789");
    int fd = open("f", O_RDWR);
    check_eq("first_free_fd", fd, 3);

    // dup shares the offset and the status flags, not FD_CLOEXEC.
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int d = dup(fd);
    check_eq("dup_lowest", d, 4);
    check_eq("dup_no_cloexec", fcntl(d, F_GETFD), 0);
    lseek(fd, 4, SEEK_SET);
    check_eq("dup_shared_offset", lseek(d, 0, SEEK_CUR), 4);
    fcntl(d, F_SETFL, O_APPEND);
    check_true("dup_shared_status", (fcntl(fd, F_GETFL) & O_APPEND) != 0, "flags %x", fcntl(fd, F_GETFL));
    fcntl(d, F_SETFL, 0);
    close(3);
    int again = open("f", O_RDONLY);
    check_eq("reuse_lowest", again, 3);
    fd = again;

    // dup2/dup3.
    check_eq("dup2", dup2(fd, 20), 20);
    check_eq("dup2_same_fd", dup2(20, 20), 20);
    check_err("dup2_same_badfd", dup2(21, 21), EBADF);
    check_err("dup2_badfd", dup2(99, 21), EBADF);
    check_err("dup2_negative", dup2(fd, -1), EBADF);
    int w = open("f", O_WRONLY);
    check_eq("dup2_replaces", dup2(w, 20), 20);
    check_eq("dup2_replaced_mode", fcntl(20, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(w);
    // The system call itself: musl's dup3() checks some of this first.
    check_err("dup3_same", syscall(SYS_dup3, 20, 20, 0), EINVAL);
    check_err("dup3_bad_flags", syscall(SYS_dup3, fd, 22, O_APPEND), EINVAL);
    check_eq("dup3_cloexec", dup3(fd, 22, O_CLOEXEC), 22);
    check_eq("dup3_cloexec_flag", fcntl(22, F_GETFD), FD_CLOEXEC);

    // fcntl.
    check_eq("fcntl_dupfd", fcntl(fd, F_DUPFD, 30), 30);
    check_eq("fcntl_dupfd_next", fcntl(fd, F_DUPFD, 30), 31);
    check_eq("fcntl_dupfd_cloexec", fcntl(fd, F_DUPFD_CLOEXEC, 0), 5);
    check_eq("fcntl_dupfd_cloexec_flag", fcntl(5, F_GETFD), FD_CLOEXEC);
    check_err("fcntl_dupfd_negative", fcntl(fd, F_DUPFD, -1), EINVAL);
    check_ok("fcntl_setfd", fcntl(fd, F_SETFD, FD_CLOEXEC));
    check_eq("fcntl_getfd", fcntl(fd, F_GETFD), FD_CLOEXEC);
    fcntl(fd, F_SETFD, 0);
    check_eq("fcntl_getfl_rdonly", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDONLY);
    check_ok("fcntl_setfl_ignores_accmode", fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK));
    check_eq("fcntl_setfl_result", fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
    fcntl(fd, F_SETFL, 0);
    check_err("fcntl_bad_cmd", fcntl(fd, 9999), EINVAL);
    check_err("fcntl_badfd", fcntl(99, F_GETFD), EBADF);
    check_err("close_badfd", close(99), EBADF);
    check_err("close_negative", close(-1), EBADF);

    // ioctl.
    int n = -1;
    lseek(fd, 3, SEEK_SET);
    check_true("fionread_file", ioctl(fd, FIONREAD, &n) == 0 && n == 7, "n %d", n);
    int one = 1, zero = 0;
    check_ok("fionbio_on", ioctl(fd, FIONBIO, &one));
    check_true("fionbio_flag", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "flags");
    ioctl(fd, FIONBIO, &zero);
    check_true("fionbio_off", (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0, "flags");
    check_ok("fioclex", ioctl(fd, FIOCLEX));
    check_eq("fioclex_flag", fcntl(fd, F_GETFD), FD_CLOEXEC);
    check_ok("fionclex", ioctl(fd, FIONCLEX));
    check_eq("fionclex_flag", fcntl(fd, F_GETFD), 0);
    check_err("ioctl_tcgets_file", ioctl(fd, TCGETS, &n), ENOTTY);
    check_err("ioctl_badfd", ioctl(99, FIONREAD, &n), EBADF);
    check_err("fionread_efault", ioctl(fd, FIONREAD, (int*)16), EFAULT);

    // RLIMIT_NOFILE bounds the table.
    struct rlimit rl = {16, 16};
    check_ok("setrlimit_nofile", setrlimit(RLIMIT_NOFILE, &rl));
    check_err("dupfd_at_limit", fcntl(fd, F_DUPFD, 16), EINVAL);
    check_err("dup2_at_limit", dup2(fd, 16), EBADF);
    int last = -1, e = 0;
    for (int i = 0; i < 20; i++) {
        int r = dup(fd);
        if (r < 0) {
            e = errno;
            break;
        }
        last = r;
    }
    check_eq("dup_until_emfile_last", last, 15);
    check_true("dup_emfile", e == EMFILE, "errno %s", errname(e));
    check_err("open_emfile", open("f", O_RDONLY), EMFILE);
    int p[2];
    check_err("pipe_emfile", pipe(p), EMFILE);
    check_eq("fd_above_limit_still_usable", fcntl(20, F_GETFD), 0);

    return check_end("vfs_fd");
}
