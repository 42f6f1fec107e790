// Memory across fork: private memory is copied on write both ways (also
// a large region and the stack), MAP_SHARED anonymous memory is shared,
// a private file mapping is copied while a shared one writes through,
// mprotect splits survive fork, munmap holes fault in the child, brk
// grows and shrinks, MADV_DONTNEED zeroes private memory and a
// MAP_PRIVATE|MAP_ANONYMOUS page reads zero.
#include "ptest.h"

#define PG 4096

static char* region;

static int hole_child(void* arg) {
    return *(volatile char*)arg;
}

static int prot_child(void* arg) {
    char* p = arg;
    p[0] = 1;       // RW page: fine
    p[PG] = 1;      // read-only page: SIGSEGV
    return 0;
}

int main(void) {
    check_start("/tmp/mmfork");
    int st;
    static int data_var = 10;
    int stack_var = 20;
    size_t big = 8 << 20;
    region = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < big; i += PG) {
        region[i] = 'p';
    }
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        data_var = 11;
        stack_var = 21;
        for (size_t i = 0; i < big; i += PG) {
            region[i] = 'c';
        }
        char c;
        read(p[0], &c, 1); // the parent writes its own copies meanwhile
        int ok = data_var == 11 && stack_var == 21 && region[0] == 'c' && region[big - PG] == 'c';
        _exit(ok ? 0 : 1);
    }
    sleep_ms(50);
    data_var = 12;
    region[PG] = 'P';
    write(p[1], "x", 1);
    waitpid(pid, &st, 0);
    check_eq("child_sees_own_writes", exit_code(st), 0);
    check_true("parent_keeps_its_data", data_var == 12 && stack_var == 20, "data %d stack %d", data_var, stack_var);
    int all_p = 1;
    for (size_t i = 0; i < big; i += PG) {
        all_p &= region[i] == (i == PG ? 'P' : 'p');
    }
    check_eq("cow_8mib_isolated", all_p, 1);

    volatile int* sh = shared_page();
    sh[0] = 1;
    pid = fork();
    if (pid == 0) {
        sh[0] = 2;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    check_eq("map_shared_anon_shared", sh[0], 2);
    pid = fork();
    if (pid == 0) {
        pid_t g = fork(); // a grandchild shares it too
        if (g == 0) {
            sh[1] = 3;
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    check_eq("shared_through_two_forks", sh[1], 3);

    put_file("f", "0123456789");
    int fd = open("f", O_RDWR);
    char* fp = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char* fs = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    pid = fork();
    if (pid == 0) {
        fp[0] = 'X';
        fs[1] = 'Y';
        _exit(0);
    }
    waitpid(pid, &st, 0);
    char buf[16] = {0};
    pread(fd, buf, 10, 0);
    check_true("private_file_map_copied", fp[0] == '0' && buf[0] == '0', "map %c file %c", fp[0], buf[0]);
    check_true("shared_file_map_writes_through", fs[1] == 'Y' && buf[1] == 'Y', "map %c file %c", fs[1], buf[1]);

    // Protections and holes survive fork.
    char* three = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(three + PG, PG, PROT_READ);
    check_eq("mprotect_split_in_child", term_sig(run_child(prot_child, three)), SIGSEGV);
    munmap(three + 2 * PG, PG);
    check_eq("munmap_hole_in_child", term_sig(run_child(hole_child, three + 2 * PG)), SIGSEGV);
    check_eq("below_hole_readable", exit_code(run_child(hole_child, three)), 0);

    // brk.
    long cur = syscall(SYS_brk, 0);
    long up = syscall(SYS_brk, cur + 10 * PG);
    check_eq("brk_grow", up, cur + 10 * PG);
    memset((void*)cur, 7, 10 * PG);
    check_eq("brk_shrink", syscall(SYS_brk, cur + PG), cur + PG);
    check_eq("brk_regrow_zeroed", syscall(SYS_brk, cur + 10 * PG) == cur + 10 * PG && ((char*)cur)[5 * PG] == 0, 1);
    check_eq("brk_below_start_refused", syscall(SYS_brk, 4096), cur + 10 * PG);
    pid = fork();
    if (pid == 0) {
        _exit(((char*)cur)[0] == 7 ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    check_eq("brk_inherited", exit_code(st), 0);

    char* d = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_eq("fresh_anon_zero", d[100], 0);
    d[100] = 5;
    madvise(d, 2 * PG, MADV_DONTNEED);
    check_eq("dontneed_zeroes_private", d[100], 0);
    return check_end("mm_fork");
}
