// Fault signals with their siginfo, each in a child: NULL read
// (SIGSEGV, SEGV_MAPERR, si_addr 0), write to a read-only page
// (SEGV_ACCERR, si_addr), ud2 (SIGILL, ILL_ILLOPN, si_addr = RIP), int3
// (SIGTRAP), division by zero (SIGFPE, FPE_INTDIV), a file mapping past
// EOF (SIGBUS, BUS_ADRERR), the default actions killing the child (the
// parent sees the signal in the status), a handler that fixes the page
// and lets the write retry, a blocked fault signal still killing.
#include "ptest.h"

static volatile int fault_signo, fault_code;
static void* volatile fault_addr;
static void* volatile fault_page;

static void report(int s, siginfo_t* si, void* uc) {
    (void)uc;
    fault_signo = s;
    fault_code = si->si_code;
    fault_addr = si->si_addr;
    // 1 signal, 2 code, 4 address, as an exit code checked by the parent.
    _exit(0);
}

// Child bodies: arg selects the fault; the handler exits with 0 and the
// child writes what it saw into the shared page first.
static long* shm;
static volatile int* volatile null_ptr = 0;
static volatile int* volatile bad16 = (volatile int*)16;

static void record(int s, siginfo_t* si, void* uc) {
    (void)uc;
    shm[0] = s;
    shm[1] = si->si_code;
    shm[2] = (long)si->si_addr;
    _exit(0);
}

static int fault_child(void* arg) {
    long kind = (long)arg;
    int sigs[] = {SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS};
    for (int i = 0; i < 5; i++) {
        on_siginfo(sigs[i], record, 0);
    }
    switch (kind) {
    case 0: return *null_ptr;
    case 1: {
        char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        shm[3] = (long)ro + 8;
        *(volatile char*)(ro + 8) = 1;
        return 1;
    }
    case 2: {
        extern char ud2_at[];
        shm[3] = (long)ud2_at;
        __asm__ volatile(".globl ud2_at\nud2_at: ud2");
        return 1;
    }
    case 3: __asm__ volatile("int3"); return 1;
    case 4: {
        volatile int zero = 0;
        return 10 / zero;
    }
    case 5: {
        int fd = open("/tmp/fault-short", O_RDWR | O_CREAT | O_TRUNC, 0644);
        write(fd, "x", 1);
        char* m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
        shm[3] = (long)m + 4096;
        return m[4096];
    }
    }
    return 1;
}

static int die_child(void* arg) {
    long kind = (long)arg;
    if (kind == 0) {
        return *bad16;
    }
    if (kind == 1) {
        mask_one(SIG_BLOCK, SIGSEGV); // a blocked fault still kills
        return *bad16;
    }
    signal(SIGSEGV, SIG_IGN); // an ignored fault still kills
    return *bad16;
}

static void fix_page(int s, siginfo_t* si, void* uc) {
    (void)s;
    (void)uc;
    mprotect((void*)((long)si->si_addr & ~4095L), 4096, PROT_READ | PROT_WRITE);
    shm[4]++;
}

static int retry_child(void* arg) {
    (void)arg;
    char* page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    on_siginfo(SIGSEGV, fix_page, 0);
    page[100] = 55; // faults once, the handler fixes it, the write retries
    return page[100] == 55 && shm[4] == 1 ? 0 : 1;
}

int main(void) {
    check_start(NULL);
    (void)report;
    (void)fault_signo, (void)fault_code, (void)fault_addr, (void)fault_page;
    mkdir("/tmp", 01777);
    shm = shared_page();
    check_require("shared", shm != NULL);
    struct {
        const char* name;
        int sig, code;
    } want[] = {{"null_read", SIGSEGV, SEGV_MAPERR}, {"readonly_write", SIGSEGV, SEGV_ACCERR},
                {"ud2", SIGILL, ILL_ILLOPN},       {"int3", SIGTRAP, SI_KERNEL},
                {"div_zero", SIGFPE, FPE_INTDIV},  {"past_eof", SIGBUS, BUS_ADRERR}};
    for (long k = 0; k < 6; k++) {
        memset(shm, 0, 64);
        int st = run_child(fault_child, (void*)k);
        char name[64];
        snprintf(name, sizeof name, "%s_signal", want[k].name);
        check_true(name, exit_code(st) == 0 && shm[0] == want[k].sig, "status %#x sig %ld", st, shm[0]);
        snprintf(name, sizeof name, "%s_code", want[k].name);
        check_true(name, shm[1] == want[k].code, "code %ld", shm[1]);
        if (k == 0 || k == 1 || k == 2 || k == 5) {
            snprintf(name, sizeof name, "%s_addr", want[k].name);
            check_true(name, shm[2] == shm[3], "addr %#lx want %#lx", shm[2], shm[3]);
        }
    }
    check_eq("default_segv_kills", term_sig(run_child(die_child, (void*)0)), SIGSEGV);
    check_eq("blocked_segv_kills", term_sig(run_child(die_child, (void*)1)), SIGSEGV);
    check_eq("ignored_segv_kills", term_sig(run_child(die_child, (void*)2)), SIGSEGV);
    shm[4] = 0;
    check_eq("handler_fixes_and_retries", exit_code(run_child(retry_child, NULL)), 0);
    return check_end("sig_fault");
}
