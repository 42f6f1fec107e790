// Virtual-memory micro-benchmarks, booted as /init on Keel and on Linux
// (tests/run-mm-bench.sh): mmap+munmap of 4 MiB untouched, page faults in a
// 1 MiB mapping, mmap+touch+munmap of one page. Median of 7 rounds, ns.
// Not a test: it has no .expect file.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void* a, const void* b) {
    long long x = *(const long long*)a, y = *(const long long*)b;
    return x < y ? -1 : x > y;
}

#define ROUNDS 7
#define RW (PROT_READ | PROT_WRITE)
#define FLAGS (MAP_PRIVATE | MAP_ANONYMOUS)

static long long map_unmap_4m(int n) {
    for (int i = 0; i < n; i++) {
        char* p = mmap(NULL, 4 << 20, RW, FLAGS, -1, 0);
        if (p == MAP_FAILED || munmap(p, 4 << 20) != 0) {
            return -1;
        }
    }
    return n;
}

static long long faults_1m(int n) {
    for (int i = 0; i < n; i++) {
        char* p = mmap(NULL, 1 << 20, RW, FLAGS, -1, 0);
        if (p == MAP_FAILED) {
            return -1;
        }
        for (int pg = 0; pg < 256; pg++) {
            p[pg * 4096] = 1;
        }
        munmap(p, 1 << 20);
    }
    return n * 256LL;
}

static long long touch_4k(int n) {
    for (int i = 0; i < n; i++) {
        char* p = mmap(NULL, 4096, RW, FLAGS, -1, 0);
        if (p == MAP_FAILED) {
            return -1;
        }
        p[0] = 1;
        munmap(p, 4096);
    }
    return n;
}

static void run(const char* name, long long (*f)(int), int n) {
    long long per[ROUNDS];
    f(n / 4 + 1); // warm-up
    for (int r = 0; r < ROUNDS; r++) {
        long long t0 = now();
        long long ops = f(n);
        long long t1 = now();
        per[r] = ops > 0 ? (t1 - t0) / ops : -1;
    }
    qsort(per, ROUNDS, sizeof per[0], cmp);
    printf("mm_bench %s: %lld ns/op (min %lld, max %lld)\n", name, per[ROUNDS / 2], per[0],
           per[ROUNDS - 1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    run("mmap_munmap_4m_untouched", map_unmap_4m, 500);
    run("page_fault_1m_256", faults_1m, 20);
    run("mmap_touch_munmap_4k", touch_4k, 500);
    return 0;
}
