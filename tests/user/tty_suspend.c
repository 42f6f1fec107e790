// ^Z and fg through the terminal's input (TIOCSTI types a byte as if from
// the keyboard): a foreground reader blocked in read(2) on the terminal
// is stopped by the SIGTSTP that ^Z sends its process group; the shell
// (its parent, in another group) sees it stopped, takes the terminal back
// (tcsetpgrp with SIGTTOU blocked), gives it to the reader again and
// continues it; the read goes on (no EINTR) and returns the line typed
// next. ^C then ends a reader with SIGINT, ^\ with SIGQUIT.
#include "ptest.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int tty = -1;

static void type(const char* s) {
    for (; *s; s++) {
        ioctl(tty, TIOCSTI, s);
    }
}

static pid_t reader(void) {
    pid_t r = fork();
    if (r == 0) {
        setpgid(0, 0);
        char buf[32];
        ssize_t n = read(tty, buf, sizeof buf);
        _exit(n == 3 && memcmp(buf, "hi\n", 3) == 0 ? 0 : n < 0 ? 100 + errno : 50 + (int)n);
    }
    setpgid(r, r);
    return r;
}

// The "shell": a child of init in init's group (so its children's groups
// are not orphaned); returns a bit per failed step.
static int shell(void) {
    int fail = 0;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTTOU);
    sigprocmask(SIG_BLOCK, &s, NULL);
    pid_t r = reader();
    tcsetpgrp(tty, r);
    sleep_ms(200); // the reader blocks in read
    type("\x1a");
    int st = 0;
    if (waitpid(r, &st, WUNTRACED) != r || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP) {
        fail |= 1;
    }
    if (tcsetpgrp(tty, getpgrp()) != 0) {
        fail |= 2;
    }
    // fg: the terminal to the job, SIGCONT, then a line for it.
    tcsetpgrp(tty, r);
    kill(-r, SIGCONT);
    if (waitpid(r, &st, WCONTINUED) != r || !WIFCONTINUED(st)) {
        fail |= 4;
    }
    sleep_ms(100);
    type("hi\n");
    if (waitpid(r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail |= 8;
    }
    tcsetpgrp(tty, getpgrp());
    r = reader();
    tcsetpgrp(tty, r);
    sleep_ms(200);
    type("\x03");
    if (waitpid(r, &st, 0) != r || !WIFSIGNALED(st) || WTERMSIG(st) != SIGINT) {
        fail |= 16;
    }
    tcsetpgrp(tty, getpgrp());
    r = reader();
    tcsetpgrp(tty, r);
    sleep_ms(200);
    type("\x1c");
    if (waitpid(r, &st, 0) != r || !WIFSIGNALED(st) || WTERMSIG(st) != SIGQUIT) {
        fail |= 32;
    }
    tcsetpgrp(tty, getpgrp());
    return fail;
}

int main(void) {
    check_start(NULL);
    mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0));
    check_require("setsid", setsid() == 1);
    check_require("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0) == 0);
    tty = open("/dev/tty", O_RDWR);
    check_require("open /dev/tty", tty >= 0);
    pid_t c = fork();
    if (c == 0) {
        _exit(shell());
    }
    int st = 0;
    waitpid(c, &st, 0);
    printf("\n"); // after the echoed ^C^\ (ECHOCTL)
    check_eq("suspend_fg_resumes_read_then_intr_quit", exit_code(st), 0);
    check_eq("foreground_back_to_init", tcgetpgrp(tty), 1);
    // TIOCSTI needs a byte it can read.
    check_err("tiocsti_efault", ioctl(tty, TIOCSTI, (char*)8), EFAULT);
    return check_end("tty_suspend");
}
