// The terminal on the serial console: init's descriptors are a tty,
// termios TCGETS/TCSETS round trip (and restore), TIOCGWINSZ/TIOCSWINSZ,
// FIONREAD, tcdrain/tcflush; ENOTTY for pipes and files, EBADF, EFAULT;
// init has no controlling terminal (/dev/tty ENXIO, TIOCGPGRP ENOTTY); a
// session leader takes the console with TIOCSCTTY, then TIOCGPGRP,
// tcgetsid and /dev/tty work and TIOCSPGRP moves the foreground group.
#include "ptest.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int ctty_child(void* arg) {
    (void)arg;
    if (setsid() < 0) {
        return 1;
    }
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0) {
        return 2;
    }
    if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO) {
        return 3;
    }
    if (ioctl(fd, TIOCSCTTY, 0) != 0) {
        return 4;
    }
    pid_t pg = -1;
    if (ioctl(fd, TIOCGPGRP, &pg) != 0 || pg != getpid()) {
        return 5;
    }
    if (tcgetsid(fd) != getpid()) {
        return 6;
    }
    int t = open("/dev/tty", O_RDWR);
    if (t < 0) {
        return 7;
    }
    // A second group of this session becomes the foreground.
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    setpgid(c, c);
    signal(SIGTTOU, SIG_IGN); // we are about to be in the background
    if (tcsetpgrp(fd, c) != 0 || tcgetpgrp(fd) != c) {
        return 8;
    }
    if (tcsetpgrp(fd, 99999) != -1 || errno != ESRCH) {
        return 9;
    }
    tcsetpgrp(fd, getpid());
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    signal(SIGHUP, SIG_IGN); // a leader giving up its tty sends SIGHUP to the foreground
    if (ioctl(fd, TIOCNOTTY) != 0) {
        return 10;
    }
    if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO) {
        return 11;
    }
    return 0;
}

int main(void) {
    check_start("/tmp/tty");
    mkdir("/dev", 0755);
    mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0));
    check_eq("stdout_isatty", isatty(1), 1);
    struct termios t, back, orig;
    check_eq("tcgetattr", tcgetattr(1, &orig), 0);
    t = orig;
    t.c_lflag &= ~(ECHO | ICANON);
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 7;
    check_eq("tcsetattr", tcsetattr(1, TCSANOW, &t), 0);
    check_true("termios_round_trip", tcgetattr(1, &back) == 0 && (back.c_lflag & (ECHO | ICANON)) == 0 &&
                                         back.c_cc[VMIN] == 3 && back.c_cc[VTIME] == 7,
               "lflag %#x", back.c_lflag);
    check_eq("tcsetattr_drain", tcsetattr(1, TCSADRAIN, &orig), 0);
    check_true("termios_restored", tcgetattr(1, &back) == 0 && back.c_lflag == orig.c_lflag, "lflag %#x",
               back.c_lflag);
    struct winsize ws = {24, 80, 0, 0}, ws0, wsb;
    check_eq("tiocgwinsz", ioctl(1, TIOCGWINSZ, &ws0), 0);
    check_true("tiocswinsz_round_trip", ioctl(1, TIOCSWINSZ, &ws) == 0 && ioctl(1, TIOCGWINSZ, &wsb) == 0 &&
                                            wsb.ws_row == 24 && wsb.ws_col == 80,
               "%dx%d", wsb.ws_row, wsb.ws_col);
    ioctl(1, TIOCSWINSZ, &ws0);
    int avail = -1;
    check_true("fionread_empty", ioctl(0, FIONREAD, &avail) == 0 && avail == 0, "avail %d", avail);
    check_eq("tcdrain", tcdrain(1), 0);
    check_eq("tcflush_input", tcflush(0, TCIFLUSH), 0);

    int p[2];
    pipe(p);
    check_eq("pipe_not_tty", isatty(p[0]), 0);
    check_err("pipe_tcgets_enotty", ioctl(p[0], TCGETS, &t), ENOTTY);
    int f = open("file", O_RDWR | O_CREAT, 0644);
    check_err("file_tcgets_enotty", ioctl(f, TCGETS, &t), ENOTTY);
    check_err("file_tiocgwinsz_enotty", ioctl(f, TIOCGWINSZ, &ws), ENOTTY);
    check_err("bad_fd_ebadf", ioctl(99, TCGETS, &t), EBADF);
    check_err("tcgets_efault", ioctl(1, TCGETS, (void*)8), EFAULT);
    check_err("tcsets_efault", ioctl(1, TCSETS, (void*)8), EFAULT);
    pid_t pg;
    check_err("init_no_ctty_tiocgpgrp", ioctl(1, TIOCGPGRP, &pg), ENOTTY);
    check_err("init_no_ctty_dev_tty", open("/dev/tty", O_RDWR), ENXIO);
    int c = open("/dev/console", O_RDWR);
    check_true("open_console", c >= 0 && isatty(c), "fd %d", c);
    check_eq("session_leader_takes_console", exit_code(run_child(ctty_child, NULL)), 0);
    check_err("still_no_ctty_after", ioctl(1, TIOCGPGRP, &pg), ENOTTY);
    return check_end("tty");
}
