// ftruncate of a file whose pages past the new end are mapped and were
// touched: Linux unmaps them from every mapping (unmap_mapping_range), so
// the next access gives SIGBUS, and after the file grows again the mapping
// sees the new zero pages, in this process and in a forked child.
#include "ptest.h"
#include <setjmp.h>

#define PG 4096

static sigjmp_buf back;

static void on_bus(int sig) {
    (void)sig;
    siglongjmp(back, 1);
}

static int bus_on_read(volatile char* p) {
    if (sigsetjmp(back, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

static int child_touch(void* arg) {
    signal(SIGBUS, SIG_DFL);
    return *(volatile char*)arg;
}

int main(void) {
    check_start("/tmp/mmtrm");
    check_require("handler", on_signal(SIGBUS, on_bus, 0) == 0);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check_require("create", fd >= 0 && ftruncate(fd, 3 * PG) == 0);
    char* map = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* priv = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    check_require("mmap", map != MAP_FAILED && priv != MAP_FAILED);
    map[2 * PG + 1] = 's';
    check_true("private_sees_store", priv[2 * PG + 1] == 's', "got %d", priv[2 * PG + 1]);
    check_ok("ftruncate_shrink", ftruncate(fd, PG));
    check_true("touched_shared_page_sigbus", bus_on_read(map + 2 * PG), "no SIGBUS");
    check_true("touched_private_page_sigbus", bus_on_read(priv + 2 * PG), "no SIGBUS");
    check_eq("child_sigbus", term_sig(run_child(child_touch, map + 2 * PG)), SIGBUS);
    check_ok("ftruncate_grow", ftruncate(fd, 3 * PG));
    check_true("regrown_reads_zero", !bus_on_read(map + 2 * PG + 1) && map[2 * PG + 1] == 0, "stale");
    check_true("regrown_private_zero", !bus_on_read(priv + 2 * PG + 1) && priv[2 * PG + 1] == 0,
               "stale");
    close(fd);
    return check_end("mm_truncate_mapped");
}
