// Character devices: /dev/null, zero, full, random, urandom, console, tty,
// ttyS0 (on Linux the initramfs has only /dev/console, so devtmpfs is
// mounted on /dev when /dev/null is missing), and device nodes made with
// mknod: the driver is found by major:minor, not by name; a major no driver
// has (60: "local/experimental use") is ENXIO at open.
#include "check.h"
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <termios.h>

static int is_chr(const char* path, unsigned maj, unsigned min) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

int main(void) {
    check_start("/tmp/dev");
    char buf[256];
    int mounted = access("/dev/null", F_OK) == 0 || mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0;
    check_true("dev_present", mounted, "mount devtmpfs: %s", errname(errno));
    check_true("dev_null_node", is_chr("/dev/null", 1, 3), "not 1:3");
    check_true("dev_zero_node", is_chr("/dev/zero", 1, 5), "not 1:5");
    check_true("dev_full_node", is_chr("/dev/full", 1, 7), "not 1:7");
    check_true("dev_random_node", is_chr("/dev/random", 1, 8), "not 1:8");
    check_true("dev_urandom_node", is_chr("/dev/urandom", 1, 9), "not 1:9");
    check_true("dev_tty_node", is_chr("/dev/tty", 5, 0), "not 5:0");
    check_true("dev_console_node", is_chr("/dev/console", 5, 1), "not 5:1");
    check_true("dev_ttyS0_node", is_chr("/dev/ttyS0", 4, 64), "not 4:64");

    // null: reads EOF, swallows writes, seeks to 0.
    int fd = open("/dev/null", O_RDWR);
    check_eq("null_read", read(fd, buf, sizeof buf), 0);
    check_eq("null_write", write(fd, buf, 100), 100);
    check_eq("null_lseek", lseek(fd, 100, SEEK_SET), 0);
    struct iovec iov[2] = {{buf, 10}, {buf, 20}};
    check_eq("null_writev", writev(fd, iov, 2), 30);
    check_err("null_tcgets", ioctl(fd, TCGETS, buf), ENOTTY);
    close(fd);

    // zero and full.
    fd = open("/dev/zero", O_RDWR);
    memset(buf, 1, sizeof buf);
    check_eq("zero_read", read(fd, buf, sizeof buf), sizeof buf);
    check_true("zero_is_zero", buf[0] == 0 && buf[255] == 0, "non-zero");
    check_eq("zero_write", write(fd, buf, 10), 10);
    close(fd);
    fd = open("/dev/full", O_RDWR);
    check_err("full_write", write(fd, "x", 1), ENOSPC);
    memset(buf, 1, sizeof buf);
    check_eq("full_read", read(fd, buf, 16), 16);
    check_true("full_reads_zero", buf[0] == 0 && buf[15] == 0, "non-zero");
    close(fd);

    // random/urandom: full reads, different each time.
    char r1[64], r2[64];
    fd = open("/dev/urandom", O_RDONLY);
    check_eq("urandom_read", read(fd, r1, 64), 64);
    read(fd, r2, 64);
    check_true("urandom_differs", memcmp(r1, r2, 64) != 0, "same bytes twice");
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    check_eq("random_read", read(fd, r1, 64), 64);
    close(fd);

    // console/ttyS0 are terminals; init has no controlling tty.
    fd = open("/dev/console", O_WRONLY | O_NOCTTY);
    check_ok("console_open", fd);
    check_eq("console_write", write(fd, "console says hi\n", 16), 16);
    check_true("console_isatty", isatty(fd), "not a tty");
    close(fd);
    fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY);
    check_true("ttyS0_isatty", fd >= 0 && isatty(fd), "fd %d", fd);
    close(fd);
    check_true("stdout_isatty", isatty(1), "stdout not a tty");
    check_err("tty_no_ctty", open("/dev/tty", O_RDWR), ENXIO);

    // mknod: nodes anywhere reach the same drivers.
    check_ok("mknod_null", mknod("mynull", S_IFCHR | 0666, makedev(1, 3)));
    check_true("mknod_null_rdev", is_chr("mynull", 1, 3), "rdev");
    fd = open("mynull", O_RDWR);
    check_true("mknod_null_works", fd >= 0 && write(fd, "abc", 3) == 3 && read(fd, buf, 3) == 0, "fd %d", fd);
    close(fd);
    mknod("myzero", S_IFCHR | 0666, makedev(1, 5));
    fd = open("myzero", O_RDONLY);
    buf[0] = 1;
    check_true("mknod_zero_works", fd >= 0 && read(fd, buf, 8) == 8 && buf[0] == 0, "fd %d", fd);
    close(fd);
    check_ok("mknod_unknown_major", mknod("nodev", S_IFCHR | 0666, makedev(60, 7)));
    check_err("open_unknown_major", open("nodev", O_RDONLY), ENXIO);
    check_ok("mknod_block", mknod("blk", S_IFBLK | 0600, makedev(60, 9)));
    check_err("open_unknown_block", open("blk", O_RDONLY), ENXIO);
    check_ok("mknod_regular", mknod("reg", S_IFREG | 0644, 0));
    struct stat st;
    check_true("mknod_regular_is_file", stat("reg", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0, "mode %o",
               st.st_mode);
    check_ok("mknod_zero_type_is_regular", mknod("reg0", 0644, 0));
    check_true("mknod_zero_type_stat", stat("reg0", &st) == 0 && S_ISREG(st.st_mode), "mode %o", st.st_mode);
    check_err("mknod_dir", mknod("dir", S_IFDIR | 0755, 0), EPERM);
    check_err("mknod_bad_type", mknod("bad", 0170000 | 0644, 0), EINVAL);
    check_err("mknod_exists", mknod("mynull", S_IFCHR | 0666, makedev(1, 3)), EEXIST);
    check_ok("mknodat", mknodat(AT_FDCWD, "at", S_IFCHR | 0600, makedev(1, 7)));
    fd = open("at", O_WRONLY);
    check_err("mknodat_full", write(fd, "x", 1), ENOSPC);
    close(fd);

    return check_end("vfs_dev");
}
