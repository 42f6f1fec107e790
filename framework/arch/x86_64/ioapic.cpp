#include "arch/x86_64/ioapic.h"

#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "mm/kernel_space.h"
#include <keel/log.h>
#include <keel/sync/spinlock.h>

namespace keel::arch {

namespace {

constexpr u32 REG_VER = 0x01;
constexpr u32 REG_REDIR = 0x10; // pin n: 0x10 + 2n (low), 0x11 + 2n (high)

struct IoApic {
    u64 va = 0; // 0: not mapped yet (or absent)
    u32 pins = 0;
};
SpinLock<IoApic, IrqOff> g_ioapic;

u32 read_reg(u64 va, u32 reg) {
    // SAFETY: va maps the I/O APIC's 4 KiB window uncached (map_mmio);
    // IOREGSEL at +0 selects the register IOWIN (+0x10) reads. Callers hold
    // g_ioapic, so select and access are not interleaved.
    *reinterpret_cast<volatile u32*>(va) = reg;
    return *reinterpret_cast<volatile u32*>(va + 0x10);
}
void write_reg(u64 va, u32 reg, u32 v) {
    // SAFETY: as read_reg.
    *reinterpret_cast<volatile u32*>(va) = reg;
    *reinterpret_cast<volatile u32*>(va + 0x10) = v;
}

// Maps the unit on first use; false when the machine has none.
bool ensure_mapped(IoApic& io) {
    if (io.va != 0) {
        return true;
    }
    const u64 phys = acpi::info().ioapic_phys;
    if (phys == 0) {
        return false;
    }
    auto va = mm::map_mmio(phys, 0x1000);
    if (va.is_err()) {
        return false;
    }
    io.va = va.value();
    io.pins = ((read_reg(io.va, REG_VER) >> 16) & 0xff) + 1;
    return true;
}

// The pin of ISA line `isa_irq`, if this I/O APIC has it.
bool pin_of(const IoApic& io, u8 isa_irq, u32& pin) {
    const u32 gsi = acpi::info().isa_gsi[isa_irq];
    const u32 base = acpi::info().ioapic_gsi_base;
    if (gsi < base || gsi - base >= io.pins) {
        return false;
    }
    pin = gsi - base;
    return true;
}

} // namespace

bool ioapic_route_isa(u8 isa_irq, u8 vector) {
    if (isa_irq >= 16 || vector < 0x20) {
        return false;
    }
    return g_ioapic.with([&](IoApic& io) {
        u32 pin = 0;
        if (!ensure_mapped(io) || !pin_of(io, isa_irq, pin)) {
            return false;
        }
        const u16 flags = acpi::info().isa_flags[isa_irq];
        const bool active_low = (flags & 3) == 3;
        const bool level = ((flags >> 2) & 3) == 3;
        const u32 apic_id = cpuid(1).ebx >> 24;
        // Fixed delivery, physical destination, unmasked.
        const u32 low = vector | (active_low ? 1u << 13 : 0) | (level ? 1u << 15 : 0);
        write_reg(io.va, REG_REDIR + 2 * pin + 1, apic_id << 24);
        write_reg(io.va, REG_REDIR + 2 * pin, low);
        log_debug("ioapic: ISA IRQ {} -> pin {} -> vector {:#x}{}{}", isa_irq, pin, vector,
                  active_low ? " active-low" : "", level ? " level" : "");
        return true;
    });
}

void ioapic_mask_isa(u8 isa_irq) {
    if (isa_irq >= 16) {
        return;
    }
    g_ioapic.with([&](IoApic& io) {
        u32 pin = 0;
        if (io.va != 0 && pin_of(io, isa_irq, pin)) {
            write_reg(io.va, REG_REDIR + 2 * pin, 1u << 16);
        }
    });
}

} // namespace keel::arch
