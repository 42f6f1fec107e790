// Thin wrappers over privileged x86-64 instructions. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::arch {

// SAFETY (all functions here): each wraps exactly one instruction whose
// effect is described by its name; callers in the framework are responsible
// for the architectural consequences (documented at each call site).

inline void outb(u16 port, u8 v) {
    asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
inline void outw(u16 port, u16 v) {
    asm volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
inline void outl(u16 port, u32 v) {
    asm volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
inline u8 inb(u16 port) {
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline u16 inw(u16 port) {
    u16 v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline u32 inl(u16 port) {
    u32 v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" ::"c"(msr), "a"(u32(v)), "d"(u32(v >> 32)));
}

struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(u32 leaf, u32 sub = 0) {
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(sub));
    return r;
}

#define KEEL_CR_ACCESSORS(n)                                                                       \
    inline u64 read_cr##n() {                                                                      \
        u64 v;                                                                                     \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                                              \
        return v;                                                                                  \
    }                                                                                              \
    inline void write_cr##n(u64 v) {                                                               \
        asm volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                       \
    }
KEEL_CR_ACCESSORS(0)
KEEL_CR_ACCESSORS(2)
KEEL_CR_ACCESSORS(3)
KEEL_CR_ACCESSORS(4)
#undef KEEL_CR_ACCESSORS

inline u64 read_rflags() {
    u64 f;
    asm volatile("pushfq; popq %0" : "=r"(f));
    return f;
}
inline void cli() {
    asm volatile("cli" ::: "memory");
}
inline void sti() {
    asm volatile("sti" ::: "memory");
}
inline void hlt() {
    asm volatile("hlt" ::: "memory");
}
inline void pause() {
    asm volatile("pause");
}
inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64(hi) << 32) | lo;
}
inline void invlpg(u64 va) {
    asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}
inline void stac() {
    asm volatile("stac" ::: "memory", "cc");
}
inline void clac() {
    asm volatile("clac" ::: "memory", "cc");
}

constexpr u64 RFLAGS_IF = 1u << 9;
constexpr u32 MSR_EFER = 0xc0000080;
constexpr u32 MSR_APIC_BASE = 0x1b;
constexpr u32 MSR_FS_BASE = 0xc0000100;
constexpr u32 MSR_GS_BASE = 0xc0000101;
constexpr u32 MSR_KERNEL_GS_BASE = 0xc0000102;

// Stops this CPU for good (interrupts off).
[[noreturn]] inline void halt_forever() {
    for (;;) {
        cli();
        hlt();
    }
}

} // namespace keel::arch
