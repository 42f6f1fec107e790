// A file mapping and the file's size: ftruncate shrinking a file makes the
// mapped pages past the new end fault with SIGBUS (BUS_ADRERR, si_addr the
// address), the tail of the last page reads zero (also after the file grows
// again), a mapping larger than the file gives SIGBUS past its last page,
// and growing the file makes those pages accessible (zero-filled). The
// pages cut here were never touched through the mapping before the cut
// (mm_truncate_mapped covers those).
#include "ptest.h"
#include <setjmp.h>

#define PG 4096

static sigjmp_buf back;
static volatile void* fault_addr;
static volatile int fault_code;

static void on_bus(int sig, siginfo_t* si, void* uc) {
    (void)sig;
    (void)uc;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(back, 1);
}

// Reads *p; 1 when that raised SIGBUS (and records si_addr/si_code).
static int bus_on_read(volatile char* p) {
    fault_addr = NULL;
    fault_code = 0;
    if (sigsetjmp(back, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

static int bus_on_write(volatile char* p) {
    fault_addr = NULL;
    if (sigsetjmp(back, 1) == 0) {
        *p = 1;
        return 0;
    }
    return 1;
}

static char* map;

static int child_touch(void* arg) {
    signal(SIGBUS, SIG_DFL);
    (void)*(volatile char*)arg;
    return 0;
}

int main(void) {
    check_start("/tmp/mmtrunc");
    check_require("handler", on_siginfo(SIGBUS, on_bus, 0) == 0);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check_require("create", fd >= 0);
    char page[PG];
    memset(page, 'a', PG);
    for (int i = 0; i < 3; i++) {
        check_require("fill", write(fd, page, PG) == PG);
    }
    // Four pages over a three-page file: the fourth is past the end.
    map = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_require("mmap", map != MAP_FAILED);
    check_true("inside_file_readable", map[0] == 'a' && map[2 * PG - 1] == 'a', "got %c", map[0]);
    check_true("past_end_sigbus", bus_on_read(map + 3 * PG + 8), "no SIGBUS");
    check_true("sigbus_addr", fault_addr == map + 3 * PG + 8, "si_addr %p, want %p", fault_addr,
               map + 3 * PG + 8);
    check_eq("sigbus_code", fault_code, BUS_ADRERR);
    check_true("past_end_write_sigbus", bus_on_write(map + 3 * PG), "no SIGBUS");

    // Shrink to one page and 10 bytes (pages 2 and 3 never touched).
    check_ok("ftruncate_shrink", ftruncate(fd, PG + 10));
    struct stat st;
    check_ok("fstat", fstat(fd, &st));
    check_eq("size_after_shrink", st.st_size, PG + 10);
    check_true("last_page_readable", map[PG + 9] == 'a', "got %d", map[PG + 9]);
    check_true("tail_of_last_page_zero", map[PG + 10] == 0 && map[2 * PG - 1] == 0, "got %d %d",
               map[PG + 10], map[2 * PG - 1]);
    check_true("cut_page_sigbus", bus_on_read(map + 2 * PG + 100), "no SIGBUS");
    check_eq("cut_page_sigbus_in_child", term_sig(run_child(child_touch, map + 2 * PG)), SIGBUS);
    char b[16];
    check_eq("read_stops_at_end", pread(fd, b, sizeof b, PG), 10);

    // Grow again: the cut bytes come back as zeros, the pages accessible.
    check_ok("ftruncate_grow", ftruncate(fd, 3 * PG));
    check_eq("pread_cut_bytes_zero", pread(fd, b, 4, PG + 20), 4);
    check_true("cut_bytes_zero", b[0] == 0 && b[3] == 0, "got %d", b[0]);
    check_true("regrown_page_zero", !bus_on_read(map + 2 * PG + 100) && map[2 * PG + 100] == 0,
               "SIGBUS or %d", map[2 * PG + 100]);
    map[2 * PG + 1] = 'g';
    check_eq("pread_store_in_regrown", pread(fd, b, 1, 2 * PG + 1), 1);
    check_true("store_in_regrown_page", b[0] == 'g', "got %c", b[0]);
    check_true("fourth_page_still_sigbus", bus_on_read(map + 3 * PG), "no SIGBUS");

    // write() past the end extends the file into the mapping.
    check_eq("pwrite_extend", pwrite(fd, "E", 1, 3 * PG + 5), 1);
    check_true("extended_page_mapped", !bus_on_read(map + 3 * PG + 5) && map[3 * PG + 5] == 'E', "no");
    check_true("extended_page_hole_zero", map[3 * PG] == 0, "got %d", map[3 * PG]);

    // A private mapping past the end: SIGBUS too.
    char* priv = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check_require("mmap private", priv != MAP_FAILED);
    check_true("private_past_end_sigbus", bus_on_read(priv + 4 * PG), "no SIGBUS");
    check_true("private_inside_ok", !bus_on_read(priv + 3 * PG + 5) && priv[3 * PG + 5] == 'E', "no");

    // Truncate to zero: every page is past the end.
    check_ok("ftruncate_zero", ftruncate(fd, 0));
    char* fresh = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_require("mmap fresh", fresh != MAP_FAILED);
    check_true("empty_file_sigbus", bus_on_read(fresh + 100), "no SIGBUS");
    check_ok("truncate_path", truncate("f", 2 * PG));
    check_true("truncate_path_grows", !bus_on_read(fresh + PG + 100) && fresh[PG + 100] == 0, "no");
    close(fd);
    return check_end("mm_truncate");
}
