// The vDSO: user-mode code the kernel maps into every process (its ELF image
// is data in the kernel, mk/vdso.mk), found by the C library through
// AT_SYSINFO_EHDR, as on Linux. clock_gettime, gettimeofday and time read
// the TSC and the clock parameters the kernel publishes in the vvar page
// (one page below the image) and compute exactly what the kernel's
// monotonic_ns() computes, so the vDSO clock and the syscall agree; getcpu
// reads the CPU number the kernel keeps in IA32_TSC_AUX. Anything the vvar
// cannot answer falls back to the real system call.
// Built freestanding: no libc, no globals but the vvar page.
typedef unsigned long u64;
typedef unsigned int u32;
typedef long i64;

// Layout shared with services/vdso/vdso.cpp (VvarLayout).
struct vvar {
    u64 seq;      // odd while the kernel updates the page
    u64 tsc_base; // TSC at clock zero
    u64 tsc_hz;   // 0: no calibrated clock, use the syscall
    u64 flags;    // bit 0: TSC_AUX holds (node << 12) | cpu on every CPU
};

// Defined by the linker script: the page just below the image.
extern const volatile struct vvar vvar_page __attribute__((visibility("hidden")));

struct kernel_timespec {
    i64 tv_sec, tv_nsec;
};
struct kernel_timeval {
    i64 tv_sec, tv_usec;
};

static inline long syscall2(long nr, long a, long b) {
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}
static inline long syscall3(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline u64 rdtsc(void) {
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

// Nanoseconds since boot, as monotonic_ns() computes them; 0 if unknown.
static int clock_ns(u64* out) {
    u64 seq, base, hz, d;
    do {
        seq = vvar_page.seq;
        __asm__ volatile("" ::: "memory");
        base = vvar_page.tsc_base;
        hz = vvar_page.tsc_hz;
        d = rdtsc() - base;
        __asm__ volatile("" ::: "memory");
    } while ((seq & 1) || seq != vvar_page.seq);
    if (hz == 0)
        return 0;
    *out = d / hz * 1000000000ul + d % hz * 1000000000ul / hz;
    return 1;
}

// Clocks the kernel serves from the same counter: REALTIME (no wall clock
// yet: the epoch is the boot), MONOTONIC, MONOTONIC_RAW, REALTIME_COARSE,
// MONOTONIC_COARSE, BOOTTIME. CPU-time clocks go to the kernel.
static int vdso_clock(long clk) {
    return clk == 0 || clk == 1 || clk == 4 || clk == 5 || clk == 6 || clk == 7;
}

long __vdso_clock_gettime(long clk, struct kernel_timespec* ts) {
    u64 ns;
    if (vdso_clock(clk) && clock_ns(&ns)) {
        ts->tv_sec = (i64)(ns / 1000000000ul);
        ts->tv_nsec = (i64)(ns % 1000000000ul);
        return 0;
    }
    return syscall2(228, clk, (long)ts);
}

long __vdso_gettimeofday(struct kernel_timeval* tv, void* tz) {
    u64 ns;
    if (!clock_ns(&ns))
        return syscall2(96, (long)tv, (long)tz);
    if (tv) {
        tv->tv_sec = (i64)(ns / 1000000000ul);
        tv->tv_usec = (i64)(ns % 1000000000ul / 1000);
    }
    if (tz) {
        ((int*)tz)[0] = 0; // struct timezone: minutes west, dst: UTC
        ((int*)tz)[1] = 0;
    }
    return 0;
}

long __vdso_time(long* t) {
    u64 ns;
    if (!clock_ns(&ns))
        return syscall2(201, (long)t, 0);
    long s = (long)(ns / 1000000000ul);
    if (t)
        *t = s;
    return s;
}

long __vdso_getcpu(unsigned* cpu, unsigned* node, void* unused) {
    if (!(vvar_page.flags & 1))
        return syscall3(309, (long)cpu, (long)node, (long)unused);
    u32 lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    if (cpu)
        *cpu = aux & 0xfff;
    if (node)
        *node = aux >> 12;
    return 0;
}

// The names glibc also looks for.
long clock_gettime(long, struct kernel_timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(struct kernel_timeval*, void*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
