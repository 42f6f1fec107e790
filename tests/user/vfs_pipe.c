// Pipes and FIFOs in one process: pipe/pipe2 flags, 64 KiB capacity,
// O_NONBLOCK and EAGAIN, PIPE_BUF atomic writes, EOF when the last writer
// closes, EPIPE when no reader is left, F_GETPIPE_SZ/F_SETPIPE_SZ,
// FIONREAD, ESPIPE, and FIFOs made with mknod.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/uio.h>

int main(void) {
    check_start("/tmp/pipe");
    int p[2];
    char buf[8192];
    struct stat st;

    check_require("pipe", pipe(p) == 0);
    check_true("pipe_fds_lowest", p[0] == 3 && p[1] == 4, "fds %d %d", p[0], p[1]);
    check_eq("pipe_write", write(p[1], "hello", 5), 5);
    int avail = -1;
    check_true("pipe_fionread", ioctl(p[0], FIONREAD, &avail) == 0 && avail == 5, "avail %d", avail);
    check_eq("pipe_read_partial", read(p[0], buf, 3), 3);
    check_eq("pipe_read_rest", read(p[0], buf + 3, 100), 2);
    check_mem("pipe_data", buf, "hello", 5);
    check_true("pipe_fstat_fifo", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) && fstat(p[1], &st) == 0 &&
                                      S_ISFIFO(st.st_mode),
               "mode %o", st.st_mode);
    check_eq("pipe_getfl_read", fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    check_eq("pipe_getfl_write", fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    check_err("pipe_write_read_end", write(p[0], "x", 1), EBADF);
    check_err("pipe_read_write_end", read(p[1], buf, 1), EBADF);
    check_err("pipe_lseek", lseek(p[0], 0, SEEK_SET), ESPIPE);
    check_err("pipe_pread", pread(p[0], buf, 1, 0), ESPIPE);
    check_err("pipe_pwrite", pwrite(p[1], "x", 1, 0), ESPIPE);
    struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
    check_eq("pipe_writev", writev(p[1], iov, 2), 4);
    char x[2], y[2];
    struct iovec riov[2] = {{x, 2}, {y, 2}};
    check_eq("pipe_readv", readv(p[0], riov, 2), 4);
    check_true("pipe_readv_data", memcmp(x, "ab", 2) == 0 && memcmp(y, "cd", 2) == 0, "data");
    check_eq("pipe_getpipe_sz", fcntl(p[1], F_GETPIPE_SZ), 65536);

    // Non-blocking: an empty pipe is EAGAIN; a full one is EAGAIN after
    // exactly 64 KiB.
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    check_err("pipe_empty_eagain", read(p[0], buf, 1), EAGAIN);
    int one = 1;
    check_ok("fionbio", ioctl(p[1], FIONBIO, &one));
    check_true("fionbio_sets_flag", (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0, "flags %x", fcntl(p[1], F_GETFL));
    long total = 0;
    memset(buf, 'z', sizeof buf);
    for (int i = 0; i < 100; i++) {
        long w = write(p[1], buf, 4096);
        if (w < 0) {
            break;
        }
        total += w;
    }
    check_true("pipe_full_eagain", total < 409600 && errno == EAGAIN, "errno %s", errname(errno));
    check_eq("pipe_capacity", total, 65536);
    ioctl(p[0], FIONREAD, &avail);
    check_eq("pipe_fionread_full", avail, 65536);
    check_err("pipe_full_write1", write(p[1], "x", 1), EAGAIN);
    check_eq("pipe_drain_page", read(p[0], buf, 4096), 4096);
    check_eq("pipe_write_after_drain", write(p[1], buf, 4096), 4096);
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    // PIPE_BUF: with 100 bytes of room, a 200-byte write is all or nothing
    // (EAGAIN); with one page of room, a 5000-byte write returns what fit.
    total = 0;
    while (total < 65536 - 100) {
        long w = write(p[1], buf, 65536 - 100 - total > 4096 ? 4096 : 65536 - 100 - total);
        if (w <= 0) {
            break;
        }
        total += w;
    }
    check_eq("pipe_fill_to_100", total, 65436);
    check_err("pipe_buf_atomic", write(p[1], buf, 200), EAGAIN);
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    total = 0;
    while (total < 61440) {
        long w = write(p[1], buf, 4096);
        if (w <= 0) {
            break;
        }
        total += w;
    }
    check_eq("pipe_big_partial", write(p[1], buf, 5000), 4096);
    while (read(p[0], buf, sizeof buf) > 0) {
    }

    // F_SETPIPE_SZ rounds up to a power-of-two number of pages and refuses
    // to shrink below the data held.
    check_eq("setpipe_sz_round", fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
    check_eq("getpipe_sz_after", fcntl(p[0], F_GETPIPE_SZ), 8192);
    write(p[1], buf, 8192);
    check_err("setpipe_sz_busy", fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    check_eq("setpipe_sz_small", fcntl(p[1], F_SETPIPE_SZ, 1), 4096);
    int dir = open("/tmp", O_RDONLY);
    check_err("getpipe_sz_not_pipe", fcntl(dir, F_GETPIPE_SZ), EBADF);
    close(dir);

    // EOF after the last writer closes (a dup keeps it open).
    int w2 = dup(p[1]);
    write(p[1], "end", 3);
    close(p[1]);
    check_eq("pipe_dup_writer_alive", read(p[0], buf, 10), 3);
    check_err("pipe_dup_writer_eagain", read(p[0], buf, 10), EAGAIN);
    close(w2);
    check_eq("pipe_eof", read(p[0], buf, 10), 0);
    close(p[0]);

    // EPIPE when there is no reader (SIGPIPE is ignored).
    pipe(p);
    close(p[0]);
    check_err("pipe_epipe", write(p[1], "x", 1), EPIPE);
    close(p[1]);

    // pipe2 flags.
    check_ok("pipe2_cloexec", pipe2(p, O_CLOEXEC));
    check_true("pipe2_cloexec_both", fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
               "fd flags");
    close(p[0]);
    close(p[1]);
    check_ok("pipe2_nonblock", pipe2(p, O_NONBLOCK));
    check_true("pipe2_nonblock_both", (fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK),
               "flags");
    close(p[0]);
    close(p[1]);
    check_err("pipe2_bad_flags", pipe2(p, O_APPEND), EINVAL);
    check_err("pipe_efault", syscall(SYS_pipe, (void*)16), EFAULT);

    // FIFOs.
    check_ok("mkfifo", mkfifo("fifo", 0640));
    check_true("fifo_stat", stat("fifo", &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640 &&
                                st.st_size == 0,
               "mode %o", st.st_mode);
    check_err("mkfifo_exists", mkfifo("fifo", 0640), EEXIST);
    check_err("fifo_wronly_nonblock_no_reader", open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open("fifo", O_RDONLY | O_NONBLOCK);
    check_ok("fifo_rdonly_nonblock", r);
    check_eq("fifo_read_no_writer", read(r, buf, 1), 0);
    int w = open("fifo", O_WRONLY | O_NONBLOCK);
    check_ok("fifo_wronly_with_reader", w);
    check_eq("fifo_write", write(w, "via fifo", 8), 8);
    check_eq("fifo_read", read(r, buf, 100), 8);
    check_mem("fifo_data", buf, "via fifo", 8);
    check_err("fifo_empty_eagain", read(r, buf, 1), EAGAIN);
    int rw = open("fifo", O_RDWR);
    check_ok("fifo_rdwr", rw);
    write(rw, "rw", 2);
    check_eq("fifo_shared_pipe", read(r, buf, 10), 2);
    close(rw);
    close(w);
    check_eq("fifo_eof", read(r, buf, 1), 0);
    close(r);
    check_err("fifo_lseek", lseek(open("fifo", O_RDWR), 0, SEEK_SET), ESPIPE);
    check_ok("mknod_fifo", mknod("fifo2", S_IFIFO | 0600, 0));
    check_true("mknod_fifo_stat", stat("fifo2", &st) == 0 && S_ISFIFO(st.st_mode), "mode %o", st.st_mode);
    check_ok("unlink_fifo", unlink("fifo2"));

    return check_end("vfs_pipe");
}
