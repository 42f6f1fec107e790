// The controlling terminal and job control: pid 1 becomes a session
// leader (setsid), takes the console as its controlling terminal
// (TIOCSCTTY), and then the job-control ioctls answer: TIOCGPGRP/TIOCGSID,
// TIOCSPGRP to its own group, ESRCH/EPERM for other groups, /dev/tty opens
// the same terminal; a forked child in a background group gets SIGTTOU
// when it changes the terminal (TCSETS) and SIGTTIN when it reads, unless
// it ignores them; TIOCNOTTY gives the terminal up.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

int main(void) {
    check_ok("mknod /dev/tty", mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0)));
    check_err("TIOCSCTTY before setsid", ioctl(0, TIOCSCTTY, 0), EPERM);
    check_eq("setsid", setsid(), 1);
    check_err("open /dev/tty without ctty", open("/dev/tty", O_RDWR), ENXIO);
    check_ok("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));
    check_ok("TIOCSCTTY again (same session)", ioctl(0, TIOCSCTTY, 0));
    pid_t pg = 0;
    check_ok("TIOCGPGRP", ioctl(0, TIOCGPGRP, &pg));
    check_eq("  foreground group is ours", pg, 1);
    check_ok("TIOCGSID", ioctl(0, TIOCGSID, &pg));
    check_eq("  session is ours", pg, 1);
    check_eq("tcgetpgrp", tcgetpgrp(1), 1);
    check_eq("tcgetsid", tcgetsid(2), 1);
    int tty = open("/dev/tty", O_RDWR);
    check_ok("open /dev/tty", tty);
    struct termios t;
    check_ok("TCGETS on /dev/tty", ioctl(tty, TCGETS, &t));
    pg = 1;
    check_ok("TIOCSPGRP own group", ioctl(0, TIOCSPGRP, &pg));
    pg = 4242;
    check_err("TIOCSPGRP no such group", ioctl(0, TIOCSPGRP, &pg), ESRCH);

    // A grandchild in its own (background) group, whose parent is in our
    // group: the group is not orphaned, so TCSETS stops it with SIGTTOU.
    // (Children of init are in orphaned groups: they get EIO instead.)
    pid_t c = fork();
    if (c == 0) {
        pid_t g = fork();
        if (g == 0) {
            setpgid(0, 0);
            struct termios t2;
            ioctl(tty, TCGETS, &t2);
            ioctl(tty, TCSETS, &t2); // stops here
            _exit(7);
        }
        int gs = 0;
        pid_t w = waitpid(g, &gs, WUNTRACED);
        int code = w == g && WIFSTOPPED(gs) && WSTOPSIG(gs) == SIGTTOU ? 0 : 1;
        kill(g, SIGKILL);
        waitpid(g, &gs, 0);
        _exit(code);
    }
    int st = 0;
    check_eq("background TCSETS", waitpid(c, &st, 0), c);
    check_true("  stopped by SIGTTOU", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    // A child of init in a background group: orphaned, EIO.
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        struct termios t2;
        ioctl(tty, TCGETS, &t2);
        _exit(ioctl(tty, TCSETS, &t2) == -1 && errno == EIO ? 0 : 1);
    }
    check_eq("orphaned background TCSETS", waitpid(c, &st, 0), c);
    check_true("  EIO", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

    // Ignoring SIGTTOU: the change goes ahead.
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_IGN);
        struct termios t2;
        ioctl(tty, TCGETS, &t2);
        _exit(ioctl(tty, TCSETS, &t2) == 0 ? 0 : 1);
    }
    check_eq("with SIGTTOU ignored", waitpid(c, &st, 0), c);
    check_true("  TCSETS succeeds", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

    // Reading from the background with SIGTTIN ignored: EIO (through
    // /dev/tty: reads of /dev/console skip job control, as Linux's
    // redirected console).
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        signal(SIGTTIN, SIG_IGN);
        char b;
        _exit(read(tty, &b, 1) == -1 && errno == EIO ? 0 : 1);
    }
    check_eq("background read, SIGTTIN ignored", waitpid(c, &st, 0), c);
    check_true("  EIO", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

    check_ok("TIOCNOTTY", ioctl(0, TIOCNOTTY));
    check_err("TIOCGPGRP after TIOCNOTTY", ioctl(0, TIOCGPGRP, &pg), ENOTTY);
    check_err("/dev/tty after TIOCNOTTY", open("/dev/tty", O_RDWR), ENXIO);
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures;
}
