// Virtual memory as Linux has it: mmap flags and errno, lazy anonymous
// memory, MAP_FIXED replacing, MAP_FIXED_NOREPLACE, hints, munmap and
// mprotect splitting areas, PROT_NONE keeping contents, mremap in place
// and moving, madvise(MADV_DONTNEED) on private and shared memory,
// mincore, brk, private and shared file mappings, and system calls given
// buffers that were never touched (the kernel faults them in).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define P 4096UL

static const char* ename(int e) {
    switch (e) {
    case 0: return "OK";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EEXIST: return "EEXIST";
    case EFAULT: return "EFAULT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    default: return "other";
    }
}

// mmap/mremap results: an address is printed as "ok" (addresses differ
// between kernels), an error as its name.
static void show_map(const char* what, void* r) {
    printf("%s: %s\n", what, r == MAP_FAILED ? ename(errno) : "ok");
}

static void show(const char* what, long r) {
    if (r < 0) {
        printf("%s: %s\n", what, ename(errno));
    } else {
        printf("%s: %ld\n", what, r);
    }
}

// Raw system calls: libc wrappers round or pre-check some arguments, and
// clock_gettime may not enter the kernel at all (vDSO).
static void* sys_mmap(void* addr, size_t len, int prot, int flags, int fd, long off) {
    return (void*)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}
#define mmap sys_mmap
#define mprotect(a, l, p) syscall(SYS_mprotect, a, l, p)
#define clock_gettime(c, t) syscall(SYS_clock_gettime, c, t)

static void* anon(void* addr, size_t len, int prot, int flags) {
    return mmap(addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

// Number of resident pages of [p, p + n pages), or -1 (errno) on error.
static long resident(void* p, size_t n) {
    unsigned char v[512];
    if (n > sizeof v || mincore(p, n * P, v) != 0) {
        return -1;
    }
    long c = 0;
    for (size_t i = 0; i < n; i++) {
        c += v[i] & 1;
    }
    return c;
}

static const int RW = PROT_READ | PROT_WRITE;

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    // Argument errors.
    show_map("mmap len 0", anon(NULL, 0, RW, MAP_PRIVATE));
    show_map("mmap no type", mmap(NULL, P, RW, MAP_ANONYMOUS, -1, 0));
    show_map("mmap offset unaligned", mmap(NULL, P, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
    show_map("mmap fixed unaligned", anon((void*)0x200000100, P, RW, MAP_PRIVATE | MAP_FIXED));
    show_map("mmap too long", anon(NULL, 1UL << 47, RW, MAP_PRIVATE));
    show_map("mmap bad fd", mmap(NULL, P, PROT_READ, MAP_PRIVATE, 77, 0));

    // Lazy anonymous memory: nothing resident until touched.
    char* a = anon(NULL, 16 * P, RW, MAP_PRIVATE);
    show_map("mmap 16 pages", a);
    show("resident untouched", resident(a, 16));
    printf("reads zero: %d\n", a[5 * P + 7] == 0 && a[15 * P] == 0);
    a[0] = 'x';
    a[9 * P + 1] = 'y';
    show("resident after 2 writes", resident(a, 16) >= 2 ? 2 : resident(a, 16));
    printf("values kept: %c%c\n", a[0], a[9 * P + 1]);

    char* pop = anon(NULL, 8 * P, RW, MAP_PRIVATE | MAP_POPULATE);
    show("resident after MAP_POPULATE", resident(pop, 8));

    // A free hint is taken as is.
    char* h = anon((void*)0x200000000, 2 * P, RW, MAP_PRIVATE);
    printf("hint taken: %d\n", h == (char*)0x200000000);
    // NOREPLACE over it fails; FIXED replaces the second page only.
    h[0] = 1;
    h[P] = 2;
    show_map("noreplace over mapping", anon(h + P, P, RW, MAP_PRIVATE | MAP_FIXED_NOREPLACE));
    char* f = anon(h + P, P, RW, MAP_PRIVATE | MAP_FIXED);
    printf("fixed replaced: %d first kept %d second zero %d\n", f == h + P, h[0], h[P]);
    char* nr = anon(h + 2 * P, P, RW, MAP_PRIVATE | MAP_FIXED_NOREPLACE);
    printf("noreplace free: %d\n", nr == h + 2 * P);
    // A taken hint: the kernel picks another place.
    char* other = anon(h, P, RW, MAP_PRIVATE);
    printf("taken hint moved: %d\n", other != MAP_FAILED && other != h);

    // munmap: errors, and a hole in the middle of an area.
    show("munmap unaligned", munmap(a + 1, P));
    show("munmap len 0", munmap(a, 0));
    show("munmap unmapped", munmap((void*)0x210000000, P));
    show("munmap middle", munmap(a + 4 * P, 2 * P));
    show("mincore hole", resident(a + 4 * P, 1));
    show("mincore around", resident(a + 3 * P, 1) >= 0 && resident(a + 6 * P, 1) >= 0);
    printf("kept after hole: %c%c\n", a[0], a[9 * P + 1]);

    // mprotect: errors, a hole, read-only against the kernel, PROT_NONE.
    show("mprotect hole", mprotect(a, 8 * P, PROT_READ));
    show("mprotect unaligned", mprotect(a + 1, P, PROT_READ));
    show("mprotect bad prot", mprotect(a, P, 0x80));
    show("mprotect len 0", mprotect(a, 0, PROT_READ));
    show("mprotect ro", mprotect(a, 4 * P, PROT_READ));
    show("clock_gettime into ro", clock_gettime(CLOCK_MONOTONIC, (struct timespec*)(a + P)));
    show("mprotect none", mprotect(a, 4 * P, PROT_NONE));
    show("clock_gettime into none", clock_gettime(CLOCK_MONOTONIC, (struct timespec*)(a + P)));
    show("write from none", write(1, a, 1));
    show("mprotect rw", mprotect(a, 4 * P, RW));
    printf("kept through PROT_NONE: %c\n", a[0]);
    show("clock_gettime into rw", clock_gettime(CLOCK_MONOTONIC, (struct timespec*)(a + P)));

    // System calls into never-touched memory fault it in.
    char* fresh = anon(NULL, 4 * P, RW, MAP_PRIVATE);
    int fd = open("/init", O_RDONLY);
    show("read into fresh", read(fd, fresh + 100, 3 * P));
    printf("elf magic: %d\n", memcmp(fresh + 101, "ELF", 3) == 0);
    char* fresh2 = anon(NULL, 2 * P, RW, MAP_PRIVATE);
    // More kernel copies into untouched pages: a stat record, an iovec
    // array and the buffers it points to, a path.
    char* fresh3 = anon(NULL, 4 * P, RW, MAP_PRIVATE);
    show("fstat into fresh", fstat(fd, (struct stat*)(fresh3 + P - 40)));
    printf("fstat size positive: %d\n", ((struct stat*)(fresh3 + P - 40))->st_size > 0);
    struct iovec* iov = (struct iovec*)(fresh3 + 2 * P - 8);
    iov[0].iov_base = fresh3 + 3 * P - 2;
    iov[0].iov_len = 4;
    lseek(fd, 0, SEEK_SET);
    show("readv from fresh iovec", readv(fd, iov, 1));
    printf("readv bytes: %d\n", memcmp(fresh3 + 3 * P - 1, "ELF", 3) == 0);
    show("getcwd into fresh", syscall(SYS_getcwd, fresh3 + 4 * P - 2, 2));
    // A zero timespec read from two untouched pages.
    show("nanosleep from fresh", syscall(SYS_nanosleep, fresh2 + P - 8, NULL));

    // mremap.
    char* r = anon((void*)0x300000000, 8 * P, RW, MAP_PRIVATE | MAP_FIXED);
    r[0] = 'r';
    r[3 * P] = 's';
    munmap(r + 4 * P, 4 * P);
    char* g = mremap(r, 4 * P, 8 * P, 0);
    printf("grow in place: %d\n", g == r);
    g[7 * P] = 't';
    anon(r + 8 * P, P, RW, MAP_PRIVATE | MAP_FIXED);
    show_map("grow blocked", mremap(r, 8 * P, 12 * P, 0));
    char* m = mremap(r, 8 * P, 12 * P, MREMAP_MAYMOVE);
    printf("moved: %d kept %c%c%c\n", m != r && m != MAP_FAILED, m[0], m[3 * P], m[7 * P]);
    show("old gone", resident(r, 1));
    char* s = mremap(m, 12 * P, 2 * P, 0);
    printf("shrink in place: %d\n", s == m);
    show("shrunk tail gone", resident(m + 2 * P, 1));
    char* fx = mremap(m, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)0x310000000);
    printf("fixed move: %d kept %c\n", fx == (char*)0x310000000, fx[0]);
    show_map("mremap bad flags", mremap(fx, P, P, 0x40));
    show_map("mremap fixed no maymove", mremap(fx, P, P, MREMAP_FIXED, (void*)0x320000000));
    show_map("mremap unaligned", mremap(fx + 1, P, P, 0));
    show_map("mremap unmapped", mremap((void*)0x330000000, P, 2 * P, MREMAP_MAYMOVE));
    show_map("mremap new len 0", mremap(fx, P, 0, MREMAP_MAYMOVE));

    // madvise: private memory reads back zero, shared keeps its data.
    char* d = anon(NULL, 2 * P, RW, MAP_PRIVATE);
    d[0] = 'd';
    d[P] = 'e';
    show("madvise dontneed", madvise(d, P, MADV_DONTNEED));
    printf("private after dontneed: %d %c\n", d[0], d[P]);
    char* sh = anon(NULL, P, RW, MAP_SHARED);
    sh[5] = 'S';
    show("madvise shared", madvise(sh, P, MADV_DONTNEED));
    show("shared still resident", resident(sh, 1));
    printf("shared after dontneed: %c\n", sh[5]);
    show("madvise bad advice", madvise(d, P, 12345));
    show("madvise unaligned", madvise(d + 1, P, MADV_DONTNEED));
    show("madvise unmapped", madvise((void*)0x340000000, P, MADV_DONTNEED));
    show("madvise willneed", madvise(d, 2 * P, MADV_WILLNEED));
    char* hd = anon(NULL, 3 * P, RW, MAP_PRIVATE);
    hd[0] = 'h';
    hd[2 * P] = 'i';
    munmap(hd + P, P);
    show("madvise over hole", madvise(hd, 3 * P, MADV_DONTNEED));
    printf("dropped around hole: %d %d\n", hd[0], hd[2 * P]);
    show("madvise willneed over hole", madvise(hd, 3 * P, MADV_WILLNEED));
    show("mincore unaligned", mincore(d + 1, P, (unsigned char*)fresh));

    // Shared anonymous memory seen through mremap'd and original views.
    char* sh2 = mremap(sh, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)0x350000000);
    printf("shared moved keeps: %c\n", sh2[5]);
    char* dup = mremap(sh2, 0, P, MREMAP_MAYMOVE);
    show_map("mremap dup shared", dup);
    dup[6] = 'D';
    printf("dup shares pages: %c %c\n", dup[5], sh2[6]);
    show_map("mremap dup private", mremap(d, 0, P, MREMAP_MAYMOVE));

    // msync and mlock.
    char* ml = anon(NULL, 4 * P, RW, MAP_PRIVATE);
    show("msync", msync(ml, 4 * P, MS_SYNC));
    show("msync bad flags", msync(ml, P, MS_SYNC | MS_ASYNC));
    show("msync unaligned", msync(ml + 1, P, MS_SYNC));
    show("msync unmapped", msync((void*)0x360000000, P, MS_SYNC));
    show("mlock", mlock(ml + 10, 2 * P));
    show("resident after mlock", resident(ml, 4));
    show("munlock", munlock(ml, 4 * P));
    show("mlock unmapped", mlock((void*)0x360000000, P));
    show("mlockall bad", mlockall(0));
    show("mlockall onfault only", mlockall(MCL_ONFAULT));

    // File mappings: private copies, the file unchanged.
    char* fm = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    show_map("mmap file private", fm);
    printf("file magic: %d\n", memcmp(fm + 1, "ELF", 3) == 0);
    fm[1] = 'X';
    char b[4] = {0};
    pread(fd, b, 3, 1);
    printf("file unchanged: %s mapping %c\n", b, fm[1]);
    show_map("mmap file shared write ro fd", mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    char* fm2 = mmap(NULL, P, PROT_READ, MAP_SHARED, fd, P);
    show_map("mmap file shared ro", fm2);
    printf("offset page matches: %d\n", fm2 != MAP_FAILED && memcmp(fm2, fm + P, 64) == 0);

    // brk: grow, touch, shrink, refuse below the start.
    char* b0 = sbrk(0);
    char* b1 = (char*)syscall(SYS_brk, b0 + (1 << 20));
    printf("brk grow: %d\n", b1 == b0 + (1 << 20));
    b1[-1] = 'b';
    printf("brk touch: %c\n", b1[-1]);
    char* b2 = (char*)syscall(SYS_brk, b0 + P);
    printf("brk shrink: %d\n", b2 == b0 + P);
    char* b3 = (char*)syscall(SYS_brk, (char*)0x1000);
    printf("brk below start: %d\n", b3 == b2);
    return 0;
}
