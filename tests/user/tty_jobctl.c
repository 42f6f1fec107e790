// Job control on the controlling terminal (/dev/tty after setsid and
// TIOCSCTTY): a background process group (not orphaned: its parent is in
// the foreground group) reading the terminal is stopped by SIGTTIN; after
// SIGCONT, still in the background, the restarted read stops it again;
// moved to the foreground and continued, the same read goes on (EAGAIN
// here: O_NONBLOCK, no input). Writing from the background stops with
// SIGTTOU only with TOSTOP. A SIGTTIN handler makes the read fail with
// EINTR. tcsetpgrp from the background with SIGTTOU blocked goes ahead.
// An orphaned background group gets EIO for reads and TOSTOP writes.
#include "ptest.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int tty = -1;

static int stopped_by(pid_t pid, int sig) {
    int st = 0;
    return waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == sig;
}

static void on_ttin(int s) { (void)s; }

// Runs in a child in the foreground group: a grandchild in its own
// (background) group reads; returns 0 when each step went as expected.
static int reader_steps(void) {
    int fail = 0;
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        int fd = open("/dev/tty", O_RDWR | O_NONBLOCK);
        char b;
        ssize_t r = read(fd, &b, 1);
        _exit(r == -1 && errno == EAGAIN ? 0 : 1);
    }
    setpgid(g, g);
    if (!stopped_by(g, SIGTTIN)) {
        fail |= 1;
    }
    kill(g, SIGCONT); // still in the background: stops again
    if (!stopped_by(g, SIGTTIN)) {
        fail |= 2;
    }
    if (tcsetpgrp(tty, g) != 0) { // the foreground group may move it
        fail |= 4;
    }
    kill(g, SIGCONT);
    int st = 0;
    if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail |= 8;
    }
    // The foreground back to this group, from the background: SIGTTOU
    // blocked lets tcsetpgrp go ahead.
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGTTOU);
    sigprocmask(SIG_BLOCK, &s, &old);
    if (tcsetpgrp(tty, getpgrp()) != 0) {
        fail |= 16;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return fail;
}

static int writer_steps(void) {
    int fail = 0;
    struct termios t;
    tcgetattr(tty, &t);
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        _exit(write(tty, "background write\n", 17) == 17 ? 0 : 1);
    }
    setpgid(g, g);
    int st = 0;
    if (waitpid(g, &st, WUNTRACED) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail |= 1; // without TOSTOP the write goes out
    }
    t.c_lflag |= TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
    g = fork();
    if (g == 0) {
        setpgid(0, 0);
        _exit(write(tty, "not written\n", 12) == 12 ? 0 : 1);
    }
    setpgid(g, g);
    if (!stopped_by(g, SIGTTOU)) {
        fail |= 2;
    }
    kill(g, SIGKILL);
    waitpid(g, &st, 0);
    t.c_lflag &= ~TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
    return fail;
}

static int handler_step(void) {
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        on_signal(SIGTTIN, on_ttin, 0);
        char b;
        ssize_t r = read(tty, &b, 1);
        _exit(r == -1 && errno == EINTR ? 0 : 1);
    }
    setpgid(g, g);
    int st = 0;
    return waitpid(g, &st, WUNTRACED) == g && WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static int in_child(int (*fn)(void)) {
    pid_t c = fork();
    if (c == 0) {
        _exit(fn());
    }
    int st = 0;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

int main(void) {
    check_start(NULL);
    mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0));
    check_require("setsid", setsid() == 1);
    check_require("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0) == 0);
    tty = open("/dev/tty", O_RDWR);
    check_require("open /dev/tty", tty >= 0);
    check_eq("background_read_ttin_stop_restart_fg", in_child(reader_steps), 0);
    check_eq("foreground_restored", tcgetpgrp(tty), 1);
    check_eq("background_write_tostop", in_child(writer_steps), 0);
    check_eq("ttin_handler_eintr", in_child(handler_step), 0);

    // Children of init are in orphaned groups: EIO, no signal.
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        char b;
        _exit(read(tty, &b, 1) == -1 && errno == EIO ? 0 : 1);
    }
    int st = 0;
    check_true("orphaned_read_eio", waitpid(c, &st, WUNTRACED) == c && exit_code(st) == 0, "status %#x", st);
    struct termios t;
    tcgetattr(tty, &t);
    t.c_lflag |= TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        _exit(write(tty, "x\n", 2) == -1 && errno == EIO ? 0 : 1);
    }
    check_true("orphaned_tostop_write_eio", waitpid(c, &st, WUNTRACED) == c && exit_code(st) == 0, "status %#x",
               st);
    t.c_lflag &= ~TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
    return check_end("tty_jobctl");
}
