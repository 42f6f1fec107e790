// The console as a terminal, with no input (QEMU's stdin is /dev/null):
// termios get/set round trips, raw reads with VMIN/VTIME, window size,
// FIONREAD, and the errors of terminal ioctls (ENOTTY on a pipe or a file,
// EFAULT, EINVAL, EBADF). pid 1 before setsid() has no controlling
// terminal: the job-control ioctls say so.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void) {
    struct termios t, back, orig;
    check_ok("isatty 0", isatty(0) ? 0 : -1);
    check_ok("TCGETS", ioctl(0, TCGETS, &orig));
    t = orig;
    printf("iflag %o oflag %o lflag %o line %d\n", t.c_iflag, t.c_oflag, t.c_lflag, t.c_line);
    printf("cflag size/read/hup %o\n", t.c_cflag & (CSIZE | CREAD | HUPCL));
    printf("cc");
    for (int i = 0; i < 17; i++) {
        printf(" %d", t.c_cc[i]);
    }
    printf("\n");

    // Raw mode round trip.
    t.c_lflag &= ~(ICANON | ECHO | ISIG);
    t.c_iflag &= ~ICRNL;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    check_ok("TCSETS raw", ioctl(0, TCSETS, &t));
    check_ok("TCGETS raw", ioctl(0, TCGETS, &back));
    check_true("raw round trip", back.c_lflag == t.c_lflag && back.c_iflag == t.c_iflag &&
                                     back.c_cc[VMIN] == 0 && back.c_cc[VTIME] == 0,
               "lflag %o iflag %o", back.c_lflag, back.c_iflag);
    char c;
    long t0 = now_ms();
    check_eq("read MIN 0 TIME 0 returns 0", read(0, &c, 1), 0);
    check_true("  at once", now_ms() - t0 < 100, "took %ld ms", now_ms() - t0);
    t.c_cc[VTIME] = 3; // 0.3 s
    check_ok("TCSETSW TIME 3", ioctl(0, TCSETSW, &t));
    t0 = now_ms();
    check_eq("read MIN 0 TIME 3 returns 0", read(0, &c, 1), 0);
    long took = now_ms() - t0;
    check_true("  after the timeout", took >= 250 && took < 2000, "took %ld ms", took);
    check_ok("TCSETSF canonical again", ioctl(0, TCSETSF, &orig));
    check_ok("TCGETS", ioctl(0, TCGETS, &back));
    check_true("canonical restored", back.c_lflag == orig.c_lflag && back.c_iflag == orig.c_iflag, "lflag %o",
               back.c_lflag);
    check_ok("tcsetattr TCSANOW", tcsetattr(0, TCSANOW, &orig));

    // Canonical, non-blocking, no line: EAGAIN.
    int fl = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, fl | O_NONBLOCK);
    check_err("canonical O_NONBLOCK read", read(0, &c, 1), EAGAIN);
    fcntl(0, F_SETFL, fl);
    int n = -1;
    check_ok("FIONREAD", ioctl(0, FIONREAD, &n));
    check_eq("  no input", n, 0);

    // Window size.
    struct winsize ws = {0}, ws2 = {0};
    check_ok("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws));
    printf("winsize %d %d\n", ws.ws_row, ws.ws_col);
    ws.ws_row = 24;
    ws.ws_col = 80;
    check_ok("TIOCSWINSZ", ioctl(0, TIOCSWINSZ, &ws));
    check_ok("TIOCGWINSZ again", ioctl(0, TIOCGWINSZ, &ws2));
    check_true("winsize round trip", ws2.ws_row == 24 && ws2.ws_col == 80, "%d %d", ws2.ws_row, ws2.ws_col);

    // The serial port behind the console (busybox cttyhack names the
    // terminal /dev/ttyS<line> from it).
    struct {
        int type, line;
        unsigned port;
        int irq, flags, xmit_fifo_size, custom_divisor, baud_base;
        unsigned short close_delay;
        char io_type, reserved;
        int hub6;
        unsigned short closing_wait, closing_wait2;
        unsigned char* iomem_base;
        unsigned short iomem_reg_shift;
        unsigned port_high;
        unsigned long iomap_base;
    } ser;
    memset(&ser, 0xff, sizeof ser);
    check_eq("serial_struct is 72 bytes", sizeof ser, 72);
    check_ok("TIOCGSERIAL", ioctl(0, TIOCGSERIAL, &ser));
    printf("serial type %d line %d port %#x irq %d fifo %d baud_base %d\n", ser.type, ser.line, ser.port, ser.irq,
           ser.xmit_fifo_size, ser.baud_base);
    check_err("TIOCGSERIAL NULL", ioctl(0, TIOCGSERIAL, NULL), EFAULT);

    // Errors.
    int p[2];
    check_require("pipe", pipe(p) == 0);
    check_err("TCGETS on a pipe", ioctl(p[0], TCGETS, &t), ENOTTY);
    check_err("TIOCGWINSZ on a pipe", ioctl(p[1], TIOCGWINSZ, &ws), ENOTTY);
    check_true("isatty on a pipe", !isatty(p[0]) && errno == ENOTTY, "errno %s", errname(errno));
    int f = open("/init", O_RDONLY);
    // The initramfs has only /dev/console: make the other nodes.
    check_ok("mknod /dev/null", mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)));
    check_ok("mknod /dev/tty", mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0)));
    check_err("TCGETS on a file", ioctl(f, TCGETS, &t), ENOTTY);
    int null = open("/dev/null", O_RDWR);
    check_err("TCGETS on /dev/null", ioctl(null, TCGETS, &t), ENOTTY);
    check_err("TCGETS bad fd", ioctl(99, TCGETS, &t), EBADF);
    check_err("TCGETS NULL", ioctl(0, TCGETS, NULL), EFAULT);
    check_err("TCGETS kernel address", ioctl(0, TCGETS, (void*)0xffffffff81000000ul), EFAULT);
    check_err("TCSETS NULL", ioctl(0, TCSETS, NULL), EFAULT);
    check_err("TIOCGWINSZ NULL", ioctl(0, TIOCGWINSZ, NULL), EFAULT);
    check_err("TIOCSWINSZ NULL", ioctl(0, TIOCSWINSZ, NULL), EFAULT);
    check_err("FIONREAD NULL", ioctl(0, FIONREAD, NULL), EFAULT);
    check_err("TCFLSH 7", ioctl(0, TCFLSH, 7), EINVAL);
    check_ok("TCFLSH TCIFLUSH", ioctl(0, TCFLSH, TCIFLUSH));
    check_err("unknown tty ioctl", ioctl(0, 0x54ff, 0), ENOTTY);

    // No controlling terminal yet (pid 1, not a session leader).
    pid_t pg = 12345;
    check_err("TIOCGPGRP without ctty", ioctl(0, TIOCGPGRP, &pg), ENOTTY);
    check_err("TIOCGSID without ctty", ioctl(0, TIOCGSID, &pg), ENOTTY);
    pg = -1;
    check_err("TIOCSPGRP -1", ioctl(0, TIOCSPGRP, &pg), EINVAL);
    check_err("TIOCSPGRP NULL", ioctl(0, TIOCSPGRP, NULL), EFAULT);
    pg = 1;
    check_err("TIOCSPGRP without ctty", ioctl(0, TIOCSPGRP, &pg), ENOTTY);
    check_err("TIOCNOTTY without ctty", ioctl(0, TIOCNOTTY), ENOTTY);
    check_err("TIOCSCTTY not a session leader", ioctl(0, TIOCSCTTY, 0), EPERM);
    check_err("open /dev/tty", open("/dev/tty", O_RDWR), ENXIO);
    check_true("tcgetpgrp", tcgetpgrp(0) == -1 && errno == ENOTTY, "errno %s", errname(errno));

    // Output processing: ONLCR turns \n into \r\n on the wire (the test
    // runner strips \r); with OPOST off "a\nb" stays one raw line feed.
    t = orig;
    t.c_oflag &= ~OPOST;
    check_ok("TCSETS -opost", ioctl(0, TCSETS, &t));
    write(1, "raw\r\n", 5);
    check_ok("TCSETS opost", ioctl(0, TCSETS, &orig));
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures;
}
