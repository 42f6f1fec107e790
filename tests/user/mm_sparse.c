// A sparse 1 GiB mapping costs nothing until touched: mincore sees only the
// pages written; a 4 GiB PROT_NONE reservation is carved into usable
// pieces with mprotect; many small areas come and go.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define P 4096UL
#define GIB (1UL << 30)

static long resident(char* p, size_t len, unsigned char* vec) {
    if (mincore(p, len, vec) != 0) {
        return errno == ENOMEM ? -12 : -1;
    }
    long c = 0;
    for (size_t i = 0; i < len / P; i++) {
        c += vec[i] & 1;
    }
    return c;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    unsigned char* vec = mmap(NULL, GIB / P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char* g = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("map 1 GiB: %s\n", g == MAP_FAILED ? "failed" : "ok");
    printf("resident untouched: %ld\n", resident(g, GIB, vec));
    const size_t at[4] = {0, GIB / 4, GIB / 2 + 123, GIB - 1};
    for (int i = 0; i < 4; i++) {
        g[at[i]] = (char)('a' + i);
    }
    printf("resident after 4 touches: %ld\n", resident(g, GIB, vec));
    printf("values: %c%c%c%c\n", g[at[0]], g[at[1]], g[at[2]], g[at[3]]);
    printf("untouched reads zero: %d\n", g[GIB / 4 + P] == 0 && g[3 * (GIB / 4)] == 0);
    printf("munmap: %d\n", munmap(g, GIB));
    printf("resident after munmap: %ld\n", resident(g, P, vec));

    // A reservation carved up.
    char* r = mmap(NULL, 4 * GIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("reserve 4 GiB: %s\n", r == MAP_FAILED ? "failed" : "ok");
    int ok = 1;
    for (int i = 0; i < 16; i++) {
        char* piece = r + (size_t)i * (GIB / 4);
        ok &= mprotect(piece, 2 * P, PROT_READ | PROT_WRITE) == 0;
        piece[P + i] = (char)i;
    }
    int same = 1;
    for (int i = 0; i < 16; i++) {
        same &= r[(size_t)i * (GIB / 4) + P + i] == (char)i;
    }
    printf("carved 16 pieces: %d values %d\n", ok, same);
    printf("resident in reservation: %ld\n", resident(r, GIB, vec) + resident(r + GIB, GIB, vec) +
                                                resident(r + 2 * GIB, GIB, vec) +
                                                resident(r + 3 * GIB, GIB, vec));
    printf("munmap reservation: %d\n", munmap(r, 4 * GIB));

    // Many small areas (alternating protections so they cannot merge).
    char* base = mmap(NULL, 2000 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int flips = 0;
    for (int i = 0; i < 2000; i += 2) {
        flips += mprotect(base + i * P, P, PROT_READ | PROT_WRITE) == 0;
        base[i * P] = 1;
    }
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
        sum += base[i * P];
    }
    printf("1000 split areas: %d sum %ld\n", flips, sum);
    printf("munmap split: %d\n", munmap(base, 2000 * P));
    // The map count limit (vm.max_map_count, 65530): splitting a
    // reservation page by page ends in ENOMEM after about 32k splits.
    const int most = 40000;
    char* lim = mmap(NULL, 2UL * most * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int i = 0;
    errno = 0;
    while (i < most && mprotect(lim + 2UL * i * P, P, PROT_READ) == 0) {
        i++;
    }
    printf("split until the limit: %s %d\n", errno == ENOMEM ? "ENOMEM" : "other",
           i > 32000 && i < 32800);
    printf("munmap split reservation: %d\n", munmap(lim, 2UL * most * P));
    // mmap/munmap churn.
    int churn = 1;
    for (int i = 0; i < 500; i++) {
        char* c = mmap(NULL, 64 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        c[i % 64 * P] = 1;
        churn &= munmap(c, 64 * P) == 0;
    }
    printf("churn 500: %d\n", churn);
    return 0;
}
