// Signals interrupting blocked pipe, FIFO and eventfd I/O (man 7 signal,
// "Interruption of system calls"): a read or write that moved no byte
// fails with EINTR when a handler without SA_RESTART runs and is restarted
// with SA_RESTART; a write that moved some bytes returns their count; the
// signal may come from an interval timer or from another process; a
// blocked FIFO open is interrupted too; an ignored or blocked signal
// interrupts nothing.
#include "ptest.h"
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/time.h>

static volatile int hits;
static void on_sig(int s) {
    (void)s;
    hits++;
}

// A child that sends `sig` to the parent after `ms` milliseconds.
static pid_t late_kill(int sig, long ms) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(ms);
        kill(parent, sig);
        _exit(0);
    }
    return pid;
}

// A child that writes `n` bytes to fd after `ms` milliseconds.
static pid_t late_write(int fd, long ms, int n) {
    pid_t pid = fork();
    if (pid == 0) {
        static char junk[65536];
        sleep_ms(ms);
        write(fd, junk, (size_t)n);
        _exit(0);
    }
    return pid;
}

// A child that reads and drops everything from fd after `ms` milliseconds.
static pid_t late_drain(int fd, long ms) {
    pid_t pid = fork();
    if (pid == 0) {
        static char junk[65536];
        sleep_ms(ms);
        while (read(fd, junk, sizeof junk) > 0) {
        }
        _exit(0);
    }
    return pid;
}

int main(void) {
    check_start(NULL);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    static char buf[100000];
    int st;

    // Read, interrupted by another process's kill: EINTR, the handler ran.
    on_signal(SIGUSR1, on_sig, 0);
    hits = 0;
    pid_t k = late_kill(SIGUSR1, 100);
    check_err("read_eintr_from_kill", read(p[0], buf, 16), EINTR);
    check_eq("read_eintr_handler_ran", hits, 1);
    waitpid(k, &st, 0);

    // The same with SA_RESTART: restarted, it returns the later data.
    on_signal(SIGUSR1, on_sig, SA_RESTART);
    hits = 0;
    k = late_kill(SIGUSR1, 100);
    pid_t w = late_write(p[1], 400, 5);
    check_eq("read_restarted_after_kill", read(p[0], buf, 16), 5);
    check_eq("read_restarted_handler_ran", hits, 1);
    waitpid(k, &st, 0);
    waitpid(w, &st, 0);

    // A blocked signal interrupts nothing; it stays pending.
    mask_one(SIG_BLOCK, SIGUSR1);
    hits = 0;
    k = late_kill(SIGUSR1, 100);
    w = late_write(p[1], 400, 3);
    check_eq("blocked_signal_no_eintr", read(p[0], buf, 16), 3);
    check_eq("blocked_signal_not_run", hits, 0);
    mask_one(SIG_UNBLOCK, SIGUSR1);
    check_eq("blocked_signal_runs_when_unblocked", hits, 1);
    waitpid(k, &st, 0);
    waitpid(w, &st, 0);

    // Write: fill the pipe (64 KiB), then a write that moves nothing gets
    // EINTR from the timer, and one that moved bytes returns their count.
    on_signal(SIGALRM, on_sig, 0);
    int fl = fcntl(p[1], F_GETFL);
    fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
    long filled = 0;
    for (;;) {
        long r = write(p[1], buf, 4096);
        if (r <= 0) {
            break;
        }
        filled += r;
    }
    fcntl(p[1], F_SETFL, fl);
    check_eq("pipe_filled", filled, 65536);
    hits = 0;
    arm_ms(100);
    check_err("write_full_pipe_eintr", write(p[1], buf, 10), EINTR);
    check_eq("write_eintr_handler_ran", hits, 1);
    // SA_RESTART: restarted, it completes once a reader drains the pipe.
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    pid_t d = late_drain(p[0], 300);
    arm_ms(100);
    check_eq("write_restarted", write(p[1], buf, 10), 10);
    check_eq("write_restarted_handler_ran", hits, 1);
    kill(d, SIGKILL);
    waitpid(d, &st, 0);
    // Drain what is left, then write more than the pipe holds: the first
    // 64 KiB go in, the signal ends the wait for room, the count stays.
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    fcntl(p[0], F_SETFL, 0);
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    arm_ms(100);
    check_eq("write_partial_count_kept", write(p[1], buf, sizeof buf), 65536);
    check_eq("write_partial_handler_ran", hits, 1);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    fcntl(p[0], F_SETFL, 0);

    // A FIFO open waiting for a writer: EINTR without SA_RESTART.
    check_require("mkfifo", mkfifo("/fifo", 0600) == 0);
    on_signal(SIGALRM, on_sig, 0);
    hits = 0;
    arm_ms(100);
    check_err("fifo_open_eintr", open("/fifo", O_RDONLY), EINTR);
    check_eq("fifo_open_handler_ran", hits, 1);
    // With SA_RESTART it goes on waiting until a writer comes.
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    pid_t o = fork();
    if (o == 0) {
        sleep_ms(400);
        int fd = open("/fifo", O_WRONLY);
        _exit(fd >= 0 ? 0 : 1);
    }
    arm_ms(100);
    int fd = open("/fifo", O_RDONLY);
    check_true("fifo_open_restarted", fd >= 0 && hits == 1, "fd %d hits %d", fd, hits);
    waitpid(o, &st, 0);
    close(fd);

    // eventfd read: EINTR, and restarted with SA_RESTART.
    int e = eventfd(0, 0);
    unsigned long long v = 0;
    on_signal(SIGALRM, on_sig, 0);
    hits = 0;
    arm_ms(100);
    check_err("eventfd_read_eintr", read(e, &v, 8), EINTR);
    on_signal(SIGALRM, on_sig, SA_RESTART);
    hits = 0;
    o = fork();
    if (o == 0) {
        sleep_ms(400);
        unsigned long long one = 7;
        _exit(write(e, &one, 8) == 8 ? 0 : 1);
    }
    arm_ms(100);
    check_true("eventfd_read_restarted", read(e, &v, 8) == 8 && v == 7 && hits == 1, "v %llu hits %d",
               v, hits);
    waitpid(o, &st, 0);
    return check_end("intr_pipe");
}
