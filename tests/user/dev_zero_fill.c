// Reads of /dev/zero store zeros straight into user memory: exactly the
// bytes asked for (large, unaligned, into pages never touched before), and
// at a page that cannot be written the read stops with the count of bytes
// stored before it (EFAULT when none). Linux 6.1's clear_user stores 8
// bytes at a time and stops before the word that would cross into the bad
// page, Keel at the page boundary: the checks accept a count up to 7 bytes
// short of the boundary. /dev/full reads the same way.
#include "check.h"
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/uio.h>

#define PG 4096L

// A count that stops at `bound` (bytes up to the bad page), or up to 7 bytes
// before it.
static int near(long got, long bound) {
    return got <= bound && got >= bound - 7;
}

static int all(const unsigned char* p, long n, unsigned char v) {
    for (long i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

int main(void) {
    check_start(NULL);
    // Linux's initramfs has /dev/console only: devtmpfs then.
    if (access("/dev/zero", F_OK) != 0) mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/zero", O_RDONLY);
    check_require("open_zero", fd >= 0);

    // 300 KiB (more than one batch) at an unaligned address, 0xaa around it.
    long big = 300 * 1024 + 77;
    unsigned char* m = mmap(NULL, big + 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap_big", m != MAP_FAILED);
    memset(m, 0xaa, big + 2 * PG);
    check_eq("read_big", read(fd, m + 13, big), big);
    check_true("big_zeroed", all(m + 13, big, 0), "a byte is not zero");
    check_true("big_before_kept", all(m, 13, 0xaa), "bytes before the buffer changed");
    check_true("big_after_kept", all(m + 13 + big, 2 * PG - 13, 0xaa), "bytes after the buffer changed");

    // Into a fresh mapping nobody touched (each page faulted in by the read).
    unsigned char* fresh = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap_fresh", fresh != MAP_FAILED);
    check_eq("read_fresh", read(fd, fresh + 1, 64 * PG - 1), 64 * PG - 1);
    check_true("fresh_zero", all(fresh, 64 * PG, 0), "a byte is not zero");

    // Three pages, the third PROT_NONE: the read stops at it.
    unsigned char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_require("mmap_3", p != MAP_FAILED);
    memset(p, 0xaa, 3 * PG);
    check_ok("mprotect_none", mprotect(p + 2 * PG, PG, PROT_NONE));
    long got = read(fd, p + 100, 3 * PG);
    check_true("read_stops_at_page", near(got, 2 * PG - 100), "got %ld", got);
    check_true("stopped_read_zeroed", got > 0 && all(p + 100, got, 0) && all(p, 100, 0xaa) &&
               all(p + 100 + got, 2 * PG - 100 - got, 0xaa), "wrong bytes");
    check_err("read_none_efault", read(fd, p + 2 * PG, 10), EFAULT);
    // A read-only page in the middle: stops before it.
    memset(p, 0xaa, 2 * PG);
    check_ok("mprotect_ro", mprotect(p + PG, PG, PROT_READ));
    got = read(fd, p + 1, 2 * PG);
    check_true("read_stops_at_ro", near(got, PG - 1), "got %ld", got);
    check_true("ro_page_kept", all(p + PG, PG, 0xaa), "read-only page written");
    check_err("read_ro_efault", read(fd, p + PG + 5, 1), EFAULT);
    check_eq("read_zero_len", read(fd, p + 2 * PG, 0), 0);

    // readv: each vector in turn.
    memset(p, 0xaa, PG);
    struct iovec v[2] = {{p + 10, 20}, {p + 100, 3000}};
    check_eq("readv", readv(fd, v, 2), 3020);
    check_true("readv_zeroed", all(p + 10, 20, 0) && all(p + 30, 70, 0xaa) && all(p + 100, 3000, 0), "wrong bytes");

    // /dev/full reads zeros the same way.
    int full = open("/dev/full", O_RDONLY);
    check_require("open_full", full >= 0);
    memset(p, 0xaa, PG);
    check_eq("full_read", read(full, p + 1, PG - 2), PG - 2);
    check_true("full_zeroed", all(p + 1, PG - 2, 0) && p[0] == 0xaa && p[PG - 1] == 0xaa, "wrong bytes");
    got = read(full, p + PG - 100, 200);
    check_true("full_read_stops", near(got, 100), "got %ld", got);
    return check_end("dev_zero_fill");
}
