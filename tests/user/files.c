// The initramfs as a file system: open/read/lseek/pread, the stat family,
// getdents64, readlink, access, getcwd/chdir, dup/fcntl, file and anonymous
// mmap, and the errno of each failure, as Linux reports them. The image
// carries tests/user/files.files/ (etc/motd, data/ with a subdirectory and
// symbolic links, including a loop and a dangling one).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;

static const char* ename(int e) {
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case EFAULT: return "EFAULT";
    case ENXIO: return "ENXIO";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    default: return "other";
    }
}

// Prints "name: result" where result is the value or the errno name.
static long show(const char* what, long r) {
    if (r < 0) {
        printf("%s: %s\n", what, ename(errno));
    } else {
        printf("%s: %ld\n", what, r);
    }
    return r;
}

static int cmp(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void list_dir(const char* path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("list %s: %s\n", path, ename(errno));
        failures++;
        return;
    }
    char buf[256] __attribute__((aligned(8))); // small: forces several getdents64 calls
    char* names[64];
    int n = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            struct linux_dirent64* d = (struct linux_dirent64*)(buf + off);
            if (n < 64) {
                char type = d->d_type == DT_DIR ? 'd' : d->d_type == DT_LNK ? 'l' : d->d_type == DT_REG ? 'f' : '?';
                char* s = malloc(strlen(d->d_name) + 3);
                sprintf(s, "%s:%c", d->d_name, type);
                names[n++] = s;
            }
            off += d->d_reclen;
        }
    }
    qsort(names, n, sizeof names[0], cmp);
    printf("list %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
    }
    printf("\n");
    close(fd);
}

static const char* kind(mode_t m) {
    return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" : S_ISCHR(m) ? "chr" : "other";
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char buf[128];

    // open/read/lseek/pread.
    int fd = open("/etc/motd", O_RDONLY);
    show("open motd", fd);
    long n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("read motd: %ld %s", n, buf);
    show("read at eof", read(fd, buf, sizeof buf));
    close(fd);

    fd = open("/data/digits.txt", O_RDONLY | O_CLOEXEC);
    show("lseek set 5", lseek(fd, 5, SEEK_SET));
    n = read(fd, buf, 4);
    printf("read 4: %.*s\n", (int)n, buf);
    show("lseek cur -2", lseek(fd, -2, SEEK_CUR));
    show("lseek end -3", lseek(fd, -3, SEEK_END));
    n = read(fd, buf, 10);
    printf("read tail: %.*s\n", (int)n, buf);
    show("lseek negative", lseek(fd, -100, SEEK_CUR));
    show("lseek bad whence", lseek(fd, 0, 42));
    show("lseek past end", lseek(fd, 100, SEEK_SET));
    show("read past end", read(fd, buf, 4));
    n = pread(fd, buf, 3, 10);
    printf("pread 3 at 10: %.*s\n", (int)n, buf);
    show("offset kept", lseek(fd, 0, SEEK_CUR));
    show("pread negative", pread(fd, buf, 3, -1));
    show("write rdonly", write(fd, "x", 1));
    show("F_GETFD cloexec", fcntl(fd, F_GETFD));
    show("F_GETFL accmode", fcntl(fd, F_GETFL) & O_ACCMODE);
    show("ioctl file", ioctl(fd, 0x5401, buf));

    // dup shares the offset; the lowest free fd is used.
    lseek(fd, 2, SEEK_SET);
    int d = dup(fd);
    show("dup", d);
    show("dup offset", lseek(d, 0, SEEK_CUR));
    show("dup F_GETFD", fcntl(d, F_GETFD));
    show("dup2", dup2(fd, 10));
    show("dup2 same", dup2(10, 10));
    show("dup3 same", dup3(10, 10, 0));
    show("dup3 cloexec", dup3(fd, 11, O_CLOEXEC));
    show("F_GETFD 11", fcntl(11, F_GETFD));
    show("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
    show("close 10", close(10));
    show("close 10 again", close(10));
    show("read closed", read(10, buf, 1));
    show("dup bad", dup(99));
    close(11);
    close(20);
    close(d);
    close(fd);

    // Errors of open.
    show("open missing", open("/nope", O_RDONLY));
    show("open missing dir", open("/nope/x", O_RDONLY));
    show("open through file", open("/etc/motd/x", O_RDONLY));
    show("open trailing slash", open("/etc/motd/", O_RDONLY));
    show("open dir for write", open("/data", O_WRONLY));
    show("open O_DIRECTORY file", open("/etc/motd", O_RDONLY | O_DIRECTORY));
    show("open loop", open("/data/loop1", O_RDONLY));
    show("open dangling", open("/data/dangling", O_RDONLY));
    show("open O_NOFOLLOW link", open("/data/link", O_RDONLY | O_NOFOLLOW));
    show("open O_EXCL existing", open("/etc/motd", O_RDONLY | O_CREAT | O_EXCL, 0644));
    show("open empty", open("", O_RDONLY));
    memset(buf, 'a', sizeof buf);
    char longname[300];
    memset(longname, 'a', sizeof longname);
    longname[0] = '/';
    longname[299] = 0;
    show("open long name", open(longname, O_RDONLY));
    char* longpath = malloc(5000);
    for (int i = 0; i < 4999; i += 2) {
        longpath[i] = '/';
        longpath[i + 1] = '.';
    }
    longpath[4999] = 0;
    show("open long path", open(longpath, O_RDONLY));
    show("open bad address", open((const char*)8, O_RDONLY));
    fd = open("/data", O_RDONLY);
    show("read dir", read(fd, buf, 10));
    close(fd);

    // Symbolic links and "..".
    fd = open("/data/sublink", O_RDONLY);
    n = read(fd, buf, sizeof buf);
    printf("via sublink: %.*s", (int)n, buf);
    close(fd);
    fd = open("/data/abslink/../sub/./inner.txt", O_RDONLY);
    show("abslink/..", fd >= 0);
    close(fd);
    show("/.. is /", open("/../../etc/motd", O_RDONLY) >= 0);
    n = readlink("/data/link", buf, sizeof buf);
    printf("readlink: %.*s\n", (int)n, buf);
    n = readlink("/data/link", buf, 4);
    printf("readlink short: %ld %.*s\n", n, (int)n, buf);
    show("readlink not link", readlink("/etc/motd", buf, sizeof buf));
    show("readlink missing", readlink("/data/none", buf, sizeof buf));
    show("readlink size 0", readlink("/data/link", buf, 0));

    // The stat family.
    struct stat st;
    show("stat motd", stat("/etc/motd", &st));
    printf("motd: %s size %ld nlink %ld blksize %ld\n", kind(st.st_mode), (long)st.st_size,
           (long)st.st_nlink, (long)st.st_blksize);
    show("stat link", stat("/data/link", &st));
    printf("link: %s size %ld\n", kind(st.st_mode), (long)st.st_size);
    show("lstat link", lstat("/data/link", &st));
    printf("lstat link: %s size %ld\n", kind(st.st_mode), (long)st.st_size);
    show("stat data", stat("/data", &st));
    printf("data: %s nlink %ld\n", kind(st.st_mode), (long)st.st_nlink);
    show("stat root", stat("/", &st));
    printf("root: %s\n", kind(st.st_mode));
    show("stat dangling", stat("/data/dangling", &st));
    show("lstat dangling", lstat("/data/dangling", &st));
    show("stat loop", stat("/data/loop1", &st));
    show("fstat bad", fstat(42, &st));
    show("fstat stdout", fstat(1, &st));
    printf("stdout: %s\n", kind(st.st_mode));
    show("stat console", stat("/dev/console", &st));
    printf("console: %s major %u minor %u\n", kind(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    struct stat a, b;
    fd = open("/data/digits.txt", O_RDONLY);
    fstat(fd, &a);
    stat("/data/digits.txt", &b);
    show("fstat == stat", a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_dev == b.st_dev);
    int dfd = open("/data", O_RDONLY | O_DIRECTORY);
    show("fstatat rel", fstatat(dfd, "sub/inner.txt", &st, 0));
    printf("inner size %ld\n", (long)st.st_size);
    show("fstatat empty", fstatat(fd, "", &st, AT_EMPTY_PATH));
    printf("empty path size %ld\n", (long)st.st_size);
    show("fstatat bad flags", fstatat(dfd, "sub", &st, 0x4));
    show("openat rel", openat(dfd, "digits.txt", O_RDONLY) >= 0);
    show("openat file dirfd", openat(fd, "x", O_RDONLY));
    show("getdents file", syscall(SYS_getdents64, fd, buf, sizeof buf));
    show("getdents small buf", syscall(SYS_getdents64, dfd, buf, 8));
    close(fd);

    // Directory listings.
    list_dir("/data");
    list_dir("/data/sub");
    list_dir("/etc");

    // access.
    show("access R_OK", access("/etc/motd", R_OK));
    show("access X_OK init", access("/init", X_OK));
    show("access X_OK file", access("/etc/motd", X_OK));
    show("access missing", access("/nope", F_OK));
    show("access bad mode", access("/etc/motd", 8));

    // getcwd/chdir and relative paths.
    printf("cwd: %s\n", getcwd(buf, sizeof buf));
    show("chdir data", chdir("/data"));
    printf("cwd: %s\n", getcwd(buf, sizeof buf));
    show("open relative", open("sub/../digits.txt", O_RDONLY) >= 0);
    show("chdir sub via link", chdir("abslink"));
    printf("cwd: %s\n", getcwd(buf, sizeof buf));
    show("getcwd small", syscall(SYS_getcwd, buf, 3));
    show("chdir file", chdir("/etc/motd"));
    show("chdir missing", chdir("/nope"));
    show("chdir ..", chdir("../.."));
    printf("cwd: %s\n", getcwd(buf, sizeof buf));
    show("fchdir", fchdir(dfd));
    printf("cwd: %s\n", getcwd(buf, sizeof buf));
    chdir("/");
    close(dfd);

    // mmap: a private file mapping, anonymous memory, munmap, mprotect.
    fd = open("/data/digits.txt", O_RDONLY);
    char* m = mmap(NULL, 20, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mmap file: %.20s\n", m == MAP_FAILED ? "failed" : m);
    show("mmap bad offset", (long)mmap(NULL, 20, PROT_READ, MAP_PRIVATE, fd, 1));
    show("mmap no type", (long)mmap(NULL, 20, PROT_READ, 0, fd, 0));
    show("mmap len 0", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
    show("mmap bad fd", (long)mmap(NULL, 20, PROT_READ, MAP_PRIVATE, 77, 0));
    show("munmap file", munmap(m, 20));
    close(fd);
    char* anon = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    anon[0] = 'k';
    anon[3 * 4096 - 1] = 'l';
    printf("anon: %c%c zero %d\n", anon[0], anon[3 * 4096 - 1], anon[4096]);
    show("mprotect ro", mprotect(anon, 4096, PROT_READ));
    show("mprotect unaligned", mprotect(anon + 1, 4096, PROT_READ));
    show("munmap middle", munmap(anon + 4096, 4096));
    show("mprotect hole", mprotect(anon, 3 * 4096, PROT_READ));
    show("munmap unaligned", munmap(anon + 1, 4096));
    char* fixed = mmap(anon + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    show("mmap fixed", fixed == anon + 4096);
    fixed[0] = 'f';
    printf("fixed: %c after %c\n", fixed[0], anon[3 * 4096 - 1]);
    show("mmap fixed noreplace", (long)mmap(anon, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    show("munmap all", munmap(anon, 3 * 4096));

    struct utsname u;
    uname(&u);
    printf("uname: %s %s\n", u.sysname, u.machine);

    printf("files: done\n");
    return failures;
}
