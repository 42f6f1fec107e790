// poll, ppoll, select and pselect6 over pipes, files, eventfds and bad fds:
// the readiness bits Linux reports (POLLHUP/POLLERR/POLLNVAL included), the
// count returned, timeouts that really wait, and the errors.
#include "check.h"
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <time.h>

static long ms_since(const struct timespec* t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

// The system call itself: musl's select() passes a copy of the timeout.
static long sel(int n, fd_set* r, fd_set* w, fd_set* e, struct timeval* tv) {
    return syscall(SYS_select, n, r, w, e, tv);
}

int main(void) {
    check_start(NULL);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    struct pollfd fds[4];
    struct timespec t0;

    fds[0] = (struct pollfd){p[0], POLLIN, 0};
    fds[1] = (struct pollfd){p[1], POLLOUT, 0};
    check_eq("poll_empty_pipe", poll(fds, 2, 0), 1);
    check_true("poll_empty_revents", fds[0].revents == 0 && fds[1].revents == POLLOUT, "revents %x %x",
               fds[0].revents, fds[1].revents);
    write(p[1], "x", 1);
    check_eq("poll_data", poll(fds, 2, 0), 2);
    check_eq("poll_data_pollin", fds[0].revents, POLLIN);
    fds[0].events = POLLIN | POLLRDNORM;
    poll(fds, 1, 0);
    check_eq("poll_rdnorm", fds[0].revents, POLLIN | POLLRDNORM);
    fds[0].events = POLLOUT; // asking for the wrong direction: nothing
    check_eq("poll_wrong_direction", poll(fds, 1, 0), 0);
    fds[0].events = POLLIN;

    // Negative fds are skipped; closed fds give POLLNVAL and count.
    fds[2] = (struct pollfd){-1, POLLIN, 0x7};
    fds[3] = (struct pollfd){77, POLLIN, 0};
    check_eq("poll_nval_counts", poll(fds, 4, 0), 3);
    check_true("poll_negative_fd", fds[2].revents == 0, "revents %x", fds[2].revents);
    check_eq("poll_nval", fds[3].revents, POLLNVAL);

    // Writer closed: POLLHUP (with POLLIN while data remains), even if
    // not asked for.
    close(p[1]);
    poll(fds, 1, 0);
    check_eq("poll_hup_with_data", fds[0].revents, POLLIN | POLLHUP);
    char c;
    read(p[0], &c, 1);
    fds[0].events = 0;
    check_eq("poll_hup_unrequested", poll(fds, 1, 0), 1);
    check_eq("poll_hup_only", fds[0].revents, POLLHUP);
    close(p[0]);

    // Reader closed: the writer gets POLLERR.
    pipe(p);
    close(p[0]);
    fds[0] = (struct pollfd){p[1], POLLOUT, 0};
    poll(fds, 1, 0);
    check_eq("poll_err_no_reader", fds[0].revents, POLLOUT | POLLERR);
    close(p[1]);

    // Regular files are always ready.
    int f = open("/tmp/pollfile", O_RDWR | O_CREAT, 0644);
    fds[0] = (struct pollfd){f, POLLIN | POLLOUT, 0};
    check_eq("poll_file_ready", poll(fds, 1, 0), 1);
    check_eq("poll_file_revents", fds[0].revents, POLLIN | POLLOUT);

    // Timeouts wait; an error is not a timeout.
    pipe(p);
    fds[0] = (struct pollfd){p[0], POLLIN, 0};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check_eq("poll_timeout", poll(fds, 1, 60), 0);
    long ms = ms_since(&t0);
    check_true("poll_timeout_waits", ms >= 55 && ms < 5000, "waited %ld ms", ms);
    check_err("poll_efault", poll((struct pollfd*)16, 1, 0), EFAULT);
    check_err("poll_too_many", poll(fds, 1 << 30, 0), EINVAL);
    check_eq("poll_zero_fds", poll(NULL, 0, 0), 0);

    // ppoll: a timespec, and EINVAL for a bad one.
    struct timespec ts = {0, 30 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check_eq("ppoll_timeout", ppoll(fds, 1, &ts, NULL), 0);
    check_true("ppoll_waits", ms_since(&t0) >= 25, "waited %ld ms", ms_since(&t0));
    struct timespec badts = {0, -1};
    check_err("ppoll_bad_timespec", ppoll(fds, 1, &badts, NULL), EINVAL);
    write(p[1], "y", 1);
    check_eq("ppoll_ready", ppoll(fds, 1, NULL, NULL), 1);

    // eventfd readiness.
    int e = eventfd(0, EFD_NONBLOCK);
    check_require("eventfd", e >= 0);
    fds[1] = (struct pollfd){e, POLLIN | POLLOUT, 0};
    poll(&fds[1], 1, 0);
    check_eq("poll_eventfd_zero", fds[1].revents, POLLOUT);
    unsigned long long v = 2;
    write(e, &v, 8);
    poll(&fds[1], 1, 0);
    check_eq("poll_eventfd_set", fds[1].revents, POLLIN | POLLOUT);

    // select: sets rewritten to the ready fds; the timeout is updated to
    // the time left (0 after expiry).
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(e, &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = {1, 0};
    int maxfd = (p[0] > e ? p[0] : e) > p[1] ? (p[0] > e ? p[0] : e) : p[1];
    check_eq("select_ready", sel(maxfd + 1, &rd, &wr, NULL, &tv), 3);
    check_true("select_sets", FD_ISSET(p[0], &rd) && FD_ISSET(e, &rd) && FD_ISSET(p[1], &wr), "sets");
    read(p[0], &c, 1);
    read(e, &v, 8);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    FD_SET(e, &rd);
    tv = (struct timeval){0, 40000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check_eq("select_timeout", sel(maxfd + 1, &rd, NULL, NULL, &tv), 0);
    check_true("select_timeout_waits", ms_since(&t0) >= 35, "waited %ld ms", ms_since(&t0));
    check_true("select_clears_sets", !FD_ISSET(p[0], &rd) && !FD_ISSET(e, &rd), "set not cleared");
    check_true("select_timeout_updated", tv.tv_sec == 0 && tv.tv_usec == 0, "tv %ld.%06ld", (long)tv.tv_sec,
               (long)tv.tv_usec);
    FD_ZERO(&rd);
    FD_SET(60, &rd);
    tv = (struct timeval){0, 0};
    check_err("select_badfd", sel(61, &rd, NULL, NULL, &tv), EBADF);
    check_err("select_negative_nfds", sel(-1, NULL, NULL, NULL, &tv), EINVAL);
    tv = (struct timeval){0, -5};
    check_err("select_bad_timeout", sel(1, NULL, NULL, NULL, &tv), EINVAL);
    FD_ZERO(&rd);
    FD_SET(f, &rd);
    tv = (struct timeval){0, 0};
    check_eq("select_file_ready", sel(f + 1, &rd, NULL, NULL, &tv), 1);

    // pselect6 with a timespec and no signal mask.
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    ts = (struct timespec){0, 20 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check_eq("pselect_timeout", pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL), 0);
    check_true("pselect_waits", ms_since(&t0) >= 15, "waited %ld ms", ms_since(&t0));
    write(p[1], "z", 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    check_eq("pselect_ready", pselect(p[0] + 1, &rd, NULL, NULL, NULL, NULL), 1);

    return check_end("vfs_poll");
}
