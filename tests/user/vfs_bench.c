// File-system syscall costs, run as /init on Keel and on Linux in the same
// QEMU by tests/run-vfs-bench.sh (no .expect: the numbers differ by kernel).
// Each line: "vfs_bench NAME: N ns/op" (median of 5 rounds).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char big[65536];

static long long one_round(int which, int n) {
    struct stat st;
    char name[32];
    int fd = open("/bench/file", O_RDONLY);
    long long t0 = now_ns();
    for (int i = 0; i < n; ++i) {
        switch (which) {
        case 0: {
            int f = open("/bench/file", O_RDONLY);
            close(f);
            break;
        }
        case 1:
            stat("/bench/file", &st);
            break;
        case 2:
            fstat(fd, &st);
            break;
        case 3: {
            snprintf(name, sizeof name, "/bench/n%d", i);
            int f = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
            close(f);
            unlink(name);
            break;
        }
        case 4:
            pread(fd, big, sizeof big, 0);
            break;
        }
    }
    long long t = (now_ns() - t0) / n;
    close(fd);
    return t;
}

int main(void) {
    static const char* names[] = {"open_close", "stat", "fstat", "create_unlink", "read_64k"};
    static const int iters[] = {2000, 2000, 5000, 1000, 300};
    mkdir("/bench", 0755);
    int fd = open("/bench/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    memset(big, 'x', sizeof big);
    write(fd, big, sizeof big);
    close(fd);
    for (int w = 0; w < 5; ++w) {
        long long r[5];
        one_round(w, iters[w] / 10); // warm-up
        for (int k = 0; k < 5; ++k) {
            r[k] = one_round(w, iters[w]);
        }
        for (int a = 0; a < 5; ++a) {
            for (int b = a + 1; b < 5; ++b) {
                if (r[b] < r[a]) {
                    long long t = r[a];
                    r[a] = r[b];
                    r[b] = t;
                }
            }
        }
        printf("vfs_bench %s: %lld ns/op\n", names[w], r[2]);
    }
    fflush(stdout);
    return 0;
}
