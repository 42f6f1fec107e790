// Shared helpers of the VFS user tests (tests/user/vfs_*.c): each check
// prints one line, "ok NAME" or "FAIL NAME: detail", and main returns the
// number of failures (the .expect files want every "ok" line and exit 0).
// The same program runs as /init on Keel and on Linux; Linux's answer is the
// expectation.
#pragma once
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// Not every program uses every helper.
#define CHECK_FN static __attribute__((unused))

static int check_failures;
static int check_count;

CHECK_FN const char* errname(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case ENOTBLK: return "ENOTBLK";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EOVERFLOW: return "EOVERFLOW";
    case EBADFD: return "EBADFD";
    case ELIBBAD: return "ELIBBAD";
    default: {
        static char buf[24];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

// A true condition; on failure, the detail is printed after the name.
__attribute__((format(printf, 3, 4))) CHECK_FN int check_true(const char* name, int cond, const char* fmt, ...) {
    check_count++;
    if (cond) {
        printf("ok %s\n", name);
        return 1;
    }
    check_failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return 0;
}

// A call that must fail with errno `want` (r == -1).
CHECK_FN int check_err(const char* name, long r, int want) {
    int e = errno;
    return check_true(name, r == -1 && e == want, "got %ld errno %s, want -1 %s", r, r == -1 ? errname(e) : "-",
                      errname(want));
}

// A call that must succeed (r >= 0).
CHECK_FN int check_ok(const char* name, long r) {
    int e = errno;
    return check_true(name, r >= 0, "got %ld errno %s", r, errname(e));
}

// A call that must return exactly `want`.
CHECK_FN int check_eq(const char* name, long r, long want) {
    int e = errno;
    return check_true(name, r == want, "got %ld (errno %s), want %ld", r, r == -1 ? errname(e) : "-", want);
}

// Bytes equal.
CHECK_FN int check_mem(const char* name, const void* got, const void* want, size_t n) {
    return check_true(name, memcmp(got, want, n) == 0, "contents differ");
}

// String equal.
CHECK_FN int check_str(const char* name, const char* got, const char* want) {
    return check_true(name, got != NULL && strcmp(got, want) == 0, "got \"%s\", want \"%s\"", got ? got : "(null)",
                      want);
}

// A precondition of the rest of the program (a pipe, an eventfd...): on
// failure the program stops rather than run on garbage descriptors.
CHECK_FN void check_require(const char* name, int cond) {
    if (!cond) {
        printf("FAIL %s: errno %s (cannot continue)\n", name, errname(errno));
        exit(1);
    }
}

// Writes a whole file (creating or truncating it); -1 on failure.
CHECK_FN int put_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        return -1;
    }
    size_t n = strlen(text);
    long w = write(fd, text, n);
    close(fd);
    return w == (long)n ? 0 : -1;
}

// Reads up to cap-1 bytes of a file as a string; -1 on failure.
CHECK_FN long get_file(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    long total = 0;
    for (;;) {
        long r = read(fd, buf + total, cap - 1 - total);
        if (r <= 0) {
            break;
        }
        total += r;
        if ((size_t)total == cap - 1) {
            break;
        }
    }
    close(fd);
    buf[total] = 0;
    return total;
}

// Common start: unbuffered output, SIGPIPE ignored (EPIPE is checked, and
// init must survive it on both kernels), a fresh directory to work in.
CHECK_FN void check_start(const char* dir) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    umask(022);
    mkdir("/tmp", 01777);
    if (dir != NULL) {
        if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
            printf("FAIL setup %s: errno %s\n", dir, errname(errno));
            check_failures++;
        }
    }
}

CHECK_FN int check_end(const char* prog) {
    printf("%s: %d checks, %d failed\n", prog, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}
