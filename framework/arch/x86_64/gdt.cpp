// GDT with kernel/user segments and the TSS (with IST stacks for double
// fault, NMI and machine check), and the IDT.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/trap.h"

extern "C" const u64 keel_trap_stub_table[256];

namespace keel::arch {

namespace {

struct [[gnu::packed]] Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] IdtEntry {
    u16 off_lo;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 off_mid;
    u32 off_hi;
    u32 reserved;
};

struct [[gnu::packed]] DescriptorPtr {
    u16 limit;
    u64 base;
};

constexpr usize IST_STACK_SIZE = 16384;
alignas(16) u8 g_ist_stacks[3][IST_STACK_SIZE];

alignas(16) u64 g_gdt[8];
Tss g_tss;
alignas(16) IdtEntry g_idt[256];

void set_gate(u8 vec, u64 handler, u8 ist, u8 dpl) {
    IdtEntry& e = g_idt[vec];
    e.off_lo = u16(handler);
    e.selector = SEL_KERNEL_CODE;
    e.ist = ist;
    e.type_attr = u8(0x8e | (dpl << 5)); // present, 64-bit interrupt gate
    e.off_mid = u16(handler >> 16);
    e.off_hi = u32(handler >> 32);
    e.reserved = 0;
}

} // namespace

void set_ist_stack(u8 ist, u64 top) {
    g_tss.ist[ist - 1] = top;
}
u64 kernel_stack_slot() {
    return u64(&g_tss.rsp[0]);
}

void set_kernel_stack(u64 top) {
    g_tss.rsp[0] = top;
}

void init_descriptors() {
    g_gdt[0] = 0;
    g_gdt[1] = 0x00af9a000000ffff; // 0x08 kernel code, 64-bit
    g_gdt[2] = 0x00cf92000000ffff; // 0x10 kernel data
    g_gdt[3] = 0x00cffa000000ffff; // 0x18 user code, 32-bit (sysret layout)
    g_gdt[4] = 0x00cff2000000ffff; // 0x20 user data
    g_gdt[5] = 0x00affa000000ffff; // 0x28 user code, 64-bit
    u64 tss = u64(&g_tss);
    u64 lim = sizeof(Tss) - 1;
    g_gdt[6] = (lim & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
               (((lim >> 16) & 0xf) << 48) | (((tss >> 24) & 0xff) << 56);
    g_gdt[7] = tss >> 32;
    g_tss.iomap_base = sizeof(Tss); // no I/O permission bitmap: user port access faults
    for (int i = 0; i < 3; ++i) {
        g_tss.ist[i] = u64(&g_ist_stacks[i][IST_STACK_SIZE]);
    }

    DescriptorPtr gdtr{sizeof(g_gdt) - 1, u64(&g_gdt)};
    // SAFETY: the new GDT keeps the boot GDT's selectors for code (0x08) and
    // data (0x10); CS is reloaded with a far return, data segments directly.
    asm volatile("lgdt %0\n"
                 "pushq $0x08\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "mov $0x10, %%ax\n"
                 "mov %%ax, %%ds\n"
                 "mov %%ax, %%es\n"
                 "mov %%ax, %%ss\n"
                 "ltr %w1\n" ::"m"(gdtr),
                 "r"(u16(SEL_TSS))
                 : "rax", "memory");

    for (int v = 0; v < 256; ++v) {
        u8 ist = 0;
        if (v == 8)
            ist = IST_DOUBLE_FAULT;
        if (v == 2)
            ist = IST_NMI;
        if (v == 18)
            ist = IST_MACHINE_CHECK;
        // int3 may be used from user mode (debuggers, abort paths): as on
        // Linux its gate has DPL 3, so it raises #BP (SIGTRAP) rather
        // than #GP. It enters the same stub as a CPU-raised #BP.
        const u8 dpl = v == 3 ? 3 : 0;
        set_gate(u8(v), keel_trap_stub_table[v], ist, dpl);
    }
    DescriptorPtr idtr{sizeof(g_idt) - 1, u64(&g_idt)};
    // SAFETY: every gate points at a stub in traps.S that saves a full frame.
    asm volatile("lidt %0" ::"m"(idtr) : "memory");
}

} // namespace keel::arch
