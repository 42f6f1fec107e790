// epoll (create/ctl/wait/pwait; level- and edge-triggered, EPOLLONESHOT,
// EPOLLHUP/EPOLLERR, nested epoll, fds closed while registered) and eventfd
// (counter, EFD_SEMAPHORE, EFD_NONBLOCK, overflow, the 8-byte rule).
#include "check.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(void) {
    check_start(NULL);
    struct epoll_event ev, out[8];
    int p[2];
    check_require("pipe2", pipe2(p, O_NONBLOCK) == 0);
    char buf[64];

    int ep = epoll_create1(0);
    check_require("epoll_create1", ep >= 0);
    check_err("epoll_create1_bad_flags", epoll_create1(1), EINVAL);
    check_err("epoll_create_size0", syscall(SYS_epoll_create, 0), EINVAL);
    int ep2 = epoll_create1(EPOLL_CLOEXEC);
    check_eq("epoll_cloexec", fcntl(ep2, F_GETFD), FD_CLOEXEC);

    // epoll_ctl errors.
    ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    check_ok("epoll_ctl_add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    check_err("epoll_ctl_add_twice", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    check_err("epoll_ctl_mod_missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
    check_err("epoll_ctl_del_missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev), ENOENT);
    check_err("epoll_ctl_self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    int f = open("/tmp/epfile", O_RDWR | O_CREAT, 0644);
    check_err("epoll_ctl_regular_file", epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
    check_err("epoll_ctl_badfd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev), EBADF);
    check_err("epoll_ctl_not_epoll", epoll_ctl(f, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    check_err("epoll_ctl_bad_op", epoll_ctl(ep, 7, p[0], &ev), EINVAL);
    check_err("epoll_ctl_efault", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], (struct epoll_event*)16), EFAULT);

    // Level-triggered: reported as long as data is there.
    check_eq("epoll_wait_empty", epoll_wait(ep, out, 8, 0), 0);
    write(p[1], "abc", 3);
    check_eq("lt_ready", epoll_wait(ep, out, 8, 0), 1);
    check_true("lt_event_data", out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ULL,
               "events %x data %llx", out[0].events, (unsigned long long)out[0].data.u64);
    check_eq("lt_ready_again", epoll_wait(ep, out, 8, 0), 1);
    read(p[0], buf, 1);
    check_eq("lt_still_ready", epoll_wait(ep, out, 8, 0), 1);
    read(p[0], buf, sizeof buf);
    check_eq("lt_drained", epoll_wait(ep, out, 8, 0), 0);

    // Edge-triggered: once per new arrival.
    ev = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.fd = p[0]};
    check_ok("epoll_ctl_mod_et", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    write(p[1], "a", 1);
    check_eq("et_first", epoll_wait(ep, out, 8, 0), 1);
    check_eq("et_fd", out[0].data.fd, p[0]);
    check_eq("et_not_again", epoll_wait(ep, out, 8, 0), 0);
    write(p[1], "b", 1);
    check_eq("et_new_data", epoll_wait(ep, out, 8, 0), 1);
    read(p[0], buf, 1);
    check_eq("et_partial_read_no_event", epoll_wait(ep, out, 8, 0), 0);
    read(p[0], buf, sizeof buf);

    // EPOLLONESHOT: disarmed after one event until EPOLL_CTL_MOD.
    ev = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.fd = p[0]};
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    write(p[1], "c", 1);
    check_eq("oneshot_first", epoll_wait(ep, out, 8, 0), 1);
    write(p[1], "d", 1);
    check_eq("oneshot_disarmed", epoll_wait(ep, out, 8, 0), 0);
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    check_eq("oneshot_rearmed", epoll_wait(ep, out, 8, 0), 1);
    read(p[0], buf, sizeof buf);

    // Write side, several fds, maxevents.
    ev = (struct epoll_event){.events = EPOLLOUT, .data.fd = p[1]};
    check_ok("epoll_add_writer", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = p[0]};
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    write(p[1], "e", 1);
    check_eq("epoll_two_ready", epoll_wait(ep, out, 8, 0), 2);
    check_eq("epoll_maxevents_1", epoll_wait(ep, out, 1, 0), 1);
    check_err("epoll_maxevents_0", epoll_wait(ep, out, 0, 0), EINVAL);
    check_err("epoll_wait_efault", epoll_wait(ep, (struct epoll_event*)16, 8, 0), EFAULT);
    check_err("epoll_wait_not_epoll", epoll_wait(f, out, 8, 0), EINVAL);
    check_err("epoll_wait_badfd", epoll_wait(99, out, 8, 0), EBADF);
    check_eq("epoll_pwait", epoll_pwait(ep, out, 8, 0, NULL), 2);
    check_ok("epoll_ctl_del", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
    check_eq("epoll_after_del", epoll_wait(ep, out, 8, 0), 1);

    // Hang-up and error are always reported.
    close(p[1]);
    check_eq("epoll_hup", epoll_wait(ep, out, 8, 0), 1);
    check_eq("epoll_hup_events", out[0].events, EPOLLIN | EPOLLHUP);
    int q[2];
    pipe(q);
    ev = (struct epoll_event){.events = 0, .data.fd = q[1]};
    epoll_ctl(ep2, EPOLL_CTL_ADD, q[1], &ev);
    close(q[0]);
    check_eq("epoll_err_unrequested", epoll_wait(ep2, out, 8, 0), 1);
    check_eq("epoll_err_events", out[0].events, EPOLLERR);
    close(q[1]);
    check_eq("epoll_closed_fd_removed", epoll_wait(ep2, out, 8, 0), 0);

    // Waiting with a timeout, and nested epoll.
    int e = eventfd(0, EFD_NONBLOCK);
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = e};
    epoll_ctl(ep2, EPOLL_CTL_ADD, e, &ev);
    check_eq("epoll_timeout", epoll_wait(ep2, out, 8, 30), 0);
    int outer = epoll_create1(0);
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = ep2};
    check_ok("epoll_nested_add", epoll_ctl(outer, EPOLL_CTL_ADD, ep2, &ev));
    check_eq("epoll_nested_idle", epoll_wait(outer, out, 8, 0), 0);
    unsigned long long v = 1;
    write(e, &v, 8);
    check_eq("epoll_nested_ready", epoll_wait(outer, out, 8, 0), 1);
    check_eq("epoll_nested_fd", out[0].data.fd, ep2);
    check_err("epoll_loop", epoll_ctl(ep2, EPOLL_CTL_ADD, outer, &ev), ELOOP);
    read(e, &v, 8);

    // eventfd: a 64-bit counter read and reset in one go.
    int e2 = eventfd(5, 0);
    check_ok("eventfd", e2);
    v = 0;
    check_eq("eventfd_read_init", read(e2, &v, 8), 8);
    check_eq("eventfd_init_value", (long)v, 5);
    check_err("eventfd_empty_eagain", read(e, &v, 8), EAGAIN);
    v = 3;
    write(e, &v, 8);
    v = 4;
    write(e, &v, 8);
    read(e, &v, 8);
    check_eq("eventfd_sum", (long)v, 7);
    check_err("eventfd_short_read", read(e, buf, 4), EINVAL);
    check_err("eventfd_short_write", write(e, buf, 4), EINVAL);
    v = 0xffffffffffffffffULL;
    check_err("eventfd_write_max", write(e, &v, 8), EINVAL);
    v = 0xfffffffffffffffeULL;
    check_eq("eventfd_write_limit", write(e, &v, 8), 8);
    v = 1;
    check_err("eventfd_overflow_eagain", write(e, &v, 8), EAGAIN);
    read(e, &v, 8);
    check_true("eventfd_read_limit", v == 0xfffffffffffffffeULL, "v %llx", v);
    check_eq("eventfd_big_buffer", (v = 9, write(e, &v, 8), read(e, buf, 64)), 8);
    int s = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    long r1 = read(s, &v, 8);
    check_true("eventfd_semaphore_one", r1 == 8 && v == 1, "r %ld v %llu", r1, v);
    read(s, &v, 8);
    read(s, &v, 8);
    check_err("eventfd_semaphore_empty", read(s, &v, 8), EAGAIN);
    check_err("eventfd_bad_flags", syscall(SYS_eventfd2, 0, 0x2), EINVAL);
    check_true("eventfd_nonblock_flag", (fcntl(e, F_GETFL) & O_NONBLOCK) != 0, "flags");
    int ec = eventfd(0, EFD_CLOEXEC);
    check_eq("eventfd_cloexec", fcntl(ec, F_GETFD), FD_CLOEXEC);

    return check_end("vfs_epoll");
}
