// getrandom(2) and /dev/random, /dev/urandom: flags as Linux 6.1 checks
// them (EINVAL), EFAULT and partial copies at an unmapped page, lengths,
// and output that is not constant (two requests differ, bits balanced).
#include "check.h"
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sysmacros.h>

static int ones(const unsigned char* b, size_t n) {
    int c = 0;
    for (size_t i = 0; i < n; i++) {
        c += __builtin_popcount(b[i]);
    }
    return c;
}

int main(void) {
    unsigned char a[4096], b[4096];
    check_eq("getrandom 16", syscall(SYS_getrandom, a, 16, 0), 16);
    check_eq("GRND_NONBLOCK", syscall(SYS_getrandom, a, 16, GRND_NONBLOCK), 16);
    check_eq("GRND_RANDOM", syscall(SYS_getrandom, a, 16, GRND_RANDOM), 16);
    check_eq("GRND_RANDOM|GRND_NONBLOCK", syscall(SYS_getrandom, a, 16, GRND_RANDOM | GRND_NONBLOCK), 16);
    check_eq("GRND_INSECURE", syscall(SYS_getrandom, a, 16, 4), 16);
    check_err("GRND_RANDOM|GRND_INSECURE", syscall(SYS_getrandom, a, 16, GRND_RANDOM | 4), EINVAL);
    check_err("unknown flag 8", syscall(SYS_getrandom, a, 16, 8), EINVAL);
    check_err("flag bit 31", syscall(SYS_getrandom, a, 16, 0x80000000u), EINVAL);
    check_err("bad flag before bad pointer", syscall(SYS_getrandom, NULL, 16, 8), EINVAL);
    check_eq("length 0", syscall(SYS_getrandom, a, 0, 0), 0);
    check_eq("length 0 NULL", syscall(SYS_getrandom, NULL, 0, 0), 0);
    check_err("NULL", syscall(SYS_getrandom, NULL, 16, 0), EFAULT);
    check_err("kernel address", syscall(SYS_getrandom, (void*)0xffffffff81000000ul, 16, 0), EFAULT);
    check_err("kernel address length 0", syscall(SYS_getrandom, (void*)0xffffffff81000000ul, 0, 0), EFAULT);

    // A buffer that runs into an unmapped page: the bytes before it.
    unsigned char* m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap", m != MAP_FAILED);
    munmap(m + 4096, 4096);
    check_eq("partial up to an unmapped page", syscall(SYS_getrandom, m + 4096 - 100, 300, 0), 100);
    check_err("starting in an unmapped page", syscall(SYS_getrandom, m + 4096, 10, 0), EFAULT);
    mprotect(m, 4096, PROT_READ);
    check_err("read-only page", syscall(SYS_getrandom, m, 10, 0), EFAULT);

    // Not constant.
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    check_eq("4096 bytes", syscall(SYS_getrandom, a, sizeof a, 0), 4096);
    check_eq("again", syscall(SYS_getrandom, b, sizeof b, 0), 4096);
    check_true("two requests differ", memcmp(a, b, sizeof a) != 0, "identical");
    int n = ones(a, sizeof a);
    check_true("bits balanced", n > 32768 * 48 / 100 && n < 32768 * 52 / 100, "%d of 32768 ones", n);
    unsigned char* big = malloc(1 << 20);
    check_eq("1 MiB", syscall(SYS_getrandom, big, 1 << 20, 0), 1 << 20);
    n = ones(big + (1 << 20) - 4096, 4096);
    check_true("  its last page too", n > 32768 * 48 / 100 && n < 32768 * 52 / 100, "%d ones", n);

    // The devices.
    mkdir("/dev", 0755);
    check_ok("mknod /dev/random", mknod("/dev/random", S_IFCHR | 0666, makedev(1, 8)));
    check_ok("mknod /dev/urandom", mknod("/dev/urandom", S_IFCHR | 0666, makedev(1, 9)));
    int r = open("/dev/random", O_RDWR);
    int u = open("/dev/urandom", O_RDONLY);
    check_ok("open /dev/random", r);
    check_ok("open /dev/urandom", u);
    check_eq("read /dev/urandom", read(u, a, 64), 64);
    check_eq("read /dev/random", read(r, b, 64), 64);
    check_true("they differ", memcmp(a, b, 64) != 0, "identical");
    check_eq("O_NONBLOCK /dev/random does not block", (fcntl(r, F_SETFL, O_NONBLOCK), read(r, b, 64)), 64);
    check_eq("write /dev/random mixes", write(r, "keel", 4), 4);
    check_err("read into NULL", read(u, NULL, 8), EFAULT);
    check_eq("pread /dev/urandom", pread(u, a, 8, 100), 8);
    check_eq("lseek /dev/urandom", lseek(u, 123, SEEK_SET), 0);
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures;
}
