// Local APIC: the legacy 8259 PICs are masked, the LAPIC timer is
// calibrated against the PIT and runs periodically at TIMER_HZ.
#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/init.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/percpu.h"
#include "mm/kernel_space.h"
#include "irq/irq.h"
#include "task/sched.h"
#include "time/clock.h"
#include <keel/log.h>
#include <keel/panic.h>
#include <keel/sync/spinlock.h>
#include <keel/time.h>

namespace keel::arch {

namespace {

u64 g_lapic = 0; // virtual address of the LAPIC register window
u64 g_spurious = 0;
u64 g_injected = 0; // exception vectors that arrived as interrupts (traps.S)
u64 g_injected_user = 0; // ... of which while user code ran

constexpr u32 REG_EOI = 0xb0;
constexpr u32 REG_SVR = 0xf0;
constexpr u32 REG_ICR_LOW = 0x300;
constexpr u32 REG_LVT_TIMER = 0x320;
constexpr u32 REG_TIMER_INIT = 0x380;
constexpr u32 REG_TIMER_CUR = 0x390;
constexpr u32 REG_TIMER_DIV = 0x3e0;

u32 lapic_read(u32 reg) {
    // SAFETY: g_lapic maps the 4 KiB LAPIC window uncached; reg < 0x400.
    return *reinterpret_cast<volatile u32*>(g_lapic + reg);
}
void lapic_write(u32 reg, u32 v) {
    // SAFETY: as lapic_read.
    *reinterpret_cast<volatile u32*>(g_lapic + reg) = v;
}

void mask_legacy_pics() {
    // SAFETY: standard 8259 init: remap to vectors 0xe0/0xe8 (so a stray
    // IRQ cannot alias an exception), then mask every line.
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0xe0);
    outb(0xa1, 0xe8);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

} // namespace

void dispatch_interrupt(TrapFrame& f);

void init_interrupts() {
    mask_legacy_pics();
    u64 base = rdmsr(MSR_APIC_BASE);
    // SAFETY: enabling the xAPIC (global enable bit) at its current base.
    wrmsr(MSR_APIC_BASE, base | (1u << 11));
    u64 phys = base & 0x000ffffffffff000ull; // bits 12..MAXPHYADDR-1
    auto va = mm::map_mmio(phys, 0x1000);
    if (va.is_err()) {
        panic("apic: cannot map the local APIC");
    }
    g_lapic = va.value();
    lapic_write(REG_SVR, 0x100 | VEC_SPURIOUS); // software enable

    // Calibrate: count LAPIC timer ticks (divide by 16) over 10 ms of PIT.
    lapic_write(REG_TIMER_DIV, 0x3);
    lapic_write(REG_LVT_TIMER, 1u << 16); // masked
    u32 best = 0;
    for (int i = 0; i < 3; ++i) {
        lapic_write(REG_TIMER_INIT, 0xffffffff);
        time::pit_wait_us(10000);
        u32 elapsed = 0xffffffff - lapic_read(REG_TIMER_CUR);
        if (best == 0 || elapsed < best) {
            best = elapsed;
        }
    }
    lapic_write(REG_TIMER_INIT, 0);
    u64 per_second = u64(best) * 100;
    u32 initial = u32(per_second / TIMER_HZ);
    if (initial == 0) {
        initial = 1000000;
    }
    lapic_write(REG_LVT_TIMER, VEC_TIMER | (1u << 17)); // periodic
    lapic_write(REG_TIMER_INIT, initial);
    log_debug("apic: timer {} ticks/s (div 16), initial count {}", per_second, initial);
    sti();
}

void handle_interrupt(TrapFrame& f) {
    detail::irq_enter();
    dispatch_interrupt(f);
    detail::irq_exit();
    // A tick in user mode while other tasks wait: hand the CPU back to the
    // service's loop (execute_user returns Preempted), which yields.
    if (f.vector == VEC_TIMER && (f.cs & 3) == 3 && sched::others_ready()) {
        user_exit_from_trap(f, 3); // keel::UserExit::Preempted
    }
}

void ack_injected_vector(u8 vector, bool from_user) {
    ++g_injected;
    g_injected_user += from_user ? 1 : 0;
    log_warn("trap: vector {} arrived without the error code the CPU pushes for it "
             "(injected by a device or an IPI); ignored",
             vector);
    lapic_write(REG_EOI, 0);
}

u64 injected_vectors() {
    return g_injected;
}

u64 injected_vectors_from_user() {
    return g_injected_user;
}

void send_self_ipi(u8 vector) {
    lapic_write(REG_ICR_LOW, (1u << 18) | vector); // shorthand "self", fixed delivery
}

void dispatch_interrupt(TrapFrame& f) {
    if (f.vector == VEC_SPURIOUS) {
        ++g_spurious;
        return; // no EOI for spurious interrupts
    }
    if (f.vector == VEC_TIMER) {
        time::on_tick();
        sched::on_tick();
    } else if (irq::dispatch(u8(f.vector))) {
        // a device's MSI: handled
    } else if (f.vector >= 0xe0 && f.vector < 0xf0) {
        // A legacy PIC line fired despite masking: ignore (spurious IRQ 7/15).
        return;
    } else {
        log_warn("irq: unexpected vector {}", f.vector);
    }
    lapic_write(REG_EOI, 0);
}

} // namespace keel::arch
