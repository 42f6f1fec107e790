// msync(2) argument checks in Linux's order (EINVAL: unknown flags, an
// unaligned address, MS_ASYNC with MS_SYNC; ENOMEM: a range with unmapped
// parts or wrapping around), what it accepts, and a MAP_SHARED mapping of
// /dev/zero: shared anonymous memory, shared with a forked child and
// separate from a second such mapping; MAP_PRIVATE of /dev/zero is private.
#include "ptest.h"
#include <sys/sysmacros.h>

#define PG 4096

static char* zmap;

static int child_store(void* arg) {
    (void)arg;
    zmap[5] = 'c';
    return 0;
}

int main(void) {
    check_start("/tmp/mmsync");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check_require("create", fd >= 0 && ftruncate(fd, 3 * PG) == 0);
    char* p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_require("mmap", p != MAP_FAILED);
    p[0] = 's';

    check_ok("msync_sync", msync(p, 3 * PG, MS_SYNC));
    check_ok("msync_async", msync(p, 3 * PG, MS_ASYNC));
    check_ok("msync_invalidate", msync(p, 3 * PG, MS_INVALIDATE));
    check_ok("msync_sync_invalidate", msync(p, PG, MS_SYNC | MS_INVALIDATE));
    check_ok("msync_flags_zero", msync(p, PG, 0));
    check_ok("msync_len_unaligned", msync(p, 10, MS_SYNC));
    check_ok("msync_len_zero", msync(p, 0, MS_SYNC));
    check_ok("msync_len_zero_unmapped", msync((void*)0x10000, 0, MS_SYNC));
    check_err("msync_unknown_flag", msync(p, PG, 8), EINVAL);
    check_err("msync_both", msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
    check_err("msync_unaligned", msync(p + 1, PG, MS_SYNC), EINVAL);
    check_err("msync_unaligned_before_flags_ok", msync(p + 1, PG, 0), EINVAL);
    check_err("msync_flag_before_range", msync((void*)0x10000, PG, 8), EINVAL);
    check_err("msync_wraps", msync(p, (size_t)-PG, MS_SYNC), ENOMEM);
    check_ok("munmap_middle", munmap(p + PG, PG));
    check_err("msync_hole_sync", msync(p, 3 * PG, MS_SYNC), ENOMEM);
    check_err("msync_hole_async", msync(p, 3 * PG, MS_ASYNC), ENOMEM);
    check_ok("msync_around_hole", msync(p + 2 * PG, PG, MS_SYNC));
    check_err("msync_unmapped", msync((void*)0x10000, PG, MS_ASYNC), ENOMEM);
    char* anon = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_ok("msync_anonymous", msync(anon, PG, MS_SYNC));
    char b;
    check_true("file_has_store", pread(fd, &b, 1, 0) == 1 && b == 's', "no");

    // /dev/zero (a node of our own: 1:5).
    check_require("mknod", mknod("zero", S_IFCHR | 0666, makedev(1, 5)) == 0);
    int z = open("zero", O_RDWR);
    check_require("open zero", z >= 0);
    zmap = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    char* zmap2 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    check_require("mmap zero", zmap != MAP_FAILED && zmap2 != MAP_FAILED);
    check_true("zero_shared_reads_zero", zmap[0] == 0 && zmap[2 * PG - 1] == 0, "not zero");
    check_eq("zero_shared_child", exit_code(run_child(child_store, NULL)), 0);
    check_true("zero_shared_sees_child", zmap[5] == 'c', "got %d", zmap[5]);
    check_true("zero_second_mapping_separate", zmap2[5] == 0, "got %d", zmap2[5]);
    char zb[8] = {1};
    check_true("zero_file_still_reads_zero", read(z, zb, 8) == 8 && zb[0] == 0, "no");
    char* zpriv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    check_require("mmap zero private", zpriv != MAP_FAILED);
    zpriv[0] = 'x';
    check_eq("zero_private_child", exit_code(run_child(child_store, NULL)), 0);
    check_true("zero_private_own", zpriv[0] == 'x', "got %d", zpriv[0]);
    check_ok("msync_zero_shared", msync(zmap, 2 * PG, MS_SYNC));
    check_require("mknod null", mknod("nul", S_IFCHR | 0666, makedev(1, 3)) == 0);
    int n = open("nul", O_RDWR);
    check_err("mmap_dev_null", (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, n, 0), ENODEV);
    return check_end("mm_msync");
}
