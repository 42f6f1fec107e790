// The vDSO: the kernel maps an ELF image and names it in AT_SYSINFO_EHDR;
// its __vdso_* functions must agree with the real system calls (read
// between two syscalls, the vDSO clock lies between them).
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char* g_strtab;
static const Elf64_Sym* g_symtab;
static uint32_t g_nsyms;
static uintptr_t g_load;

static int parse(uintptr_t base) {
    const Elf64_Ehdr* eh = (const Elf64_Ehdr*)base;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_type != ET_DYN) return 0;
    const Elf64_Phdr* ph = (const Elf64_Phdr*)(base + eh->e_phoff);
    const Elf64_Dyn* dyn = 0;
    int have_load = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            g_load = base + ph[i].p_offset - ph[i].p_vaddr;
            have_load = 1;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn*)(base + ph[i].p_offset);
        }
    }
    if (!dyn || !have_load) return 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_STRTAB) g_strtab = (const char*)(g_load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_SYMTAB) g_symtab = (const Elf64_Sym*)(g_load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_HASH) g_nsyms = ((const uint32_t*)(g_load + dyn->d_un.d_ptr))[1];
    }
    return g_strtab && g_symtab && g_nsyms;
}

static void* sym(const char* name) {
    for (uint32_t i = 1; i < g_nsyms; i++) {
        if (g_symtab[i].st_shndx != SHN_UNDEF && ELF64_ST_TYPE(g_symtab[i].st_info) == STT_FUNC &&
            strcmp(g_strtab + g_symtab[i].st_name, name) == 0)
            return (void*)(g_load + g_symtab[i].st_value);
    }
    return 0;
}

static int64_t ts_ns(const struct timespec* t) {
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(void) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    printf("vdso: AT_SYSINFO_EHDR %s\n", base ? "present" : "missing");
    if (!base || !parse(base)) {
        printf("vdso: no usable ELF image\n");
        return 1;
    }
    int (*cgt)(clockid_t, struct timespec*) = (int (*)(clockid_t, struct timespec*))sym("__vdso_clock_gettime");
    int (*gtod)(struct timeval*, void*) = (int (*)(struct timeval*, void*))sym("__vdso_gettimeofday");
    time_t (*vtime)(time_t*) = (time_t(*)(time_t*))sym("__vdso_time");
    long (*vgetcpu)(unsigned*, unsigned*, void*) = (long (*)(unsigned*, unsigned*, void*))sym("__vdso_getcpu");
    printf("vdso: symbols %s %s %s %s\n", cgt ? "clock_gettime" : "-", gtod ? "gettimeofday" : "-",
           vtime ? "time" : "-", vgetcpu ? "getcpu" : "-");
    if (!cgt || !gtod || !vtime || !vgetcpu) return 1;

    // Each clock the vDSO serves: vDSO time between two syscall reads.
    const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME};
    const char* names[] = {"realtime", "monotonic", "monotonic_raw", "boottime"};
    for (int c = 0; c < 4; c++) {
        int bad = 0;
        for (int i = 0; i < 2000; i++) {
            struct timespec a, v, b;
            syscall(SYS_clock_gettime, clocks[c], &a);
            if (cgt(clocks[c], &v) != 0) bad++;
            syscall(SYS_clock_gettime, clocks[c], &b);
            if (ts_ns(&v) < ts_ns(&a) || ts_ns(&v) > ts_ns(&b) || v.tv_nsec >= 1000000000) bad++;
        }
        printf("vdso: clock_gettime %s between syscalls: %s\n", names[c], bad ? "WRONG" : "ok");
    }
    // A CPU-time clock: the vDSO hands it to the kernel (result 0).
    struct timespec cpu;
    printf("vdso: clock_gettime process cputime: %d\n", cgt(CLOCK_PROCESS_CPUTIME_ID, &cpu));
    struct timespec bad_ts;
    printf("vdso: clock_gettime clock 100: %d\n", cgt(100, &bad_ts));

    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        struct timespec a, b;
        struct timeval tv;
        syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
        gtod(&tv, 0);
        syscall(SYS_clock_gettime, CLOCK_REALTIME, &b);
        int64_t us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
        if (us < ts_ns(&a) / 1000 || us > ts_ns(&b) / 1000 || tv.tv_usec >= 1000000) bad++;
    }
    printf("vdso: gettimeofday between syscalls: %s\n", bad ? "WRONG" : "ok");
    bad = 0;
    for (int i = 0; i < 100; i++) {
        time_t s1 = syscall(SYS_time, 0);
        time_t t = 0;
        time_t v = vtime(&t);
        time_t s2 = syscall(SYS_time, 0);
        if (v != t || v < s1 || v > s2) bad++;
    }
    printf("vdso: time between syscalls: %s\n", bad ? "WRONG" : "ok");
    unsigned cpun = 99, node = 99;
    long r = vgetcpu(&cpun, &node, 0);
    printf("vdso: getcpu %ld cpu %u node %u\n", r, cpun, node);
    printf("vdso: sched_getcpu %d\n", sched_getcpu());
    // The C library's own calls go through the vDSO too.
    struct timespec a, v, b;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_MONOTONIC, &v);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
    printf("vdso: libc clock_gettime between syscalls: %s\n",
           ts_ns(&v) >= ts_ns(&a) && ts_ns(&v) <= ts_ns(&b) ? "ok" : "WRONG");
    return 0;
}
