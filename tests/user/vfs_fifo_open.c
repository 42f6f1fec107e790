// Opening a FIFO: a blocking O_RDONLY open waits for a writer and a
// blocking O_WRONLY open for a reader (here a forked child opens the other
// end); O_NONBLOCK readers and O_RDWR never wait; an O_NONBLOCK writer
// with no reader is ENXIO.
#include "check.h"
#include <sys/wait.h>

int main(void) {
    check_start("/tmp/fifo");
    check_ok("mkfifo", mkfifo("f", 0600));
    char buf[8] = {0};

    check_err("nonblock_writer_no_reader", open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open("f", O_RDONLY | O_NONBLOCK);
    check_ok("nonblock_reader_no_wait", r);
    int w = open("f", O_WRONLY | O_NONBLOCK);
    check_ok("nonblock_writer_with_reader", w);
    close(w);
    close(r);
    int rw = open("f", O_RDWR);
    check_ok("rdwr_no_wait", rw);
    close(rw);

    // The reader waits until the child opens for writing (without the wait
    // the read would see end of file: no writer).
    pid_t c = fork();
    if (c == 0) {
        usleep(100000);
        int fd = open("f", O_WRONLY);
        write(fd, "hi", 2);
        close(fd);
        _exit(0);
    }
    r = open("f", O_RDONLY);
    check_ok("reader_waits_for_writer", r);
    check_true("reader_gets_data", read(r, buf, 2) == 2 && memcmp(buf, "hi", 2) == 0, "got %.2s", buf);
    close(r);
    int status = -1;
    waitpid(c, &status, 0);

    // The writer waits until the child opens for reading (without the
    // wait the write would fail: no reader).
    c = fork();
    if (c == 0) {
        char got[2] = {0};
        usleep(100000);
        int fd = open("f", O_RDONLY);
        ssize_t n = read(fd, got, 2);
        _exit(n == 2 && memcmp(got, "yo", 2) == 0 ? 0 : 1);
    }
    w = open("f", O_WRONLY);
    check_ok("writer_waits_for_reader", w);
    check_eq("writer_writes", write(w, "yo", 2), 2);
    close(w);
    check_true("reader_child_got_data", waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0,
               "status %x", status);
    return check_end("vfs_fifo_open");
}
