// I/O APIC: routes legacy ISA interrupt lines (the UART's IRQ 4) to a
// local-APIC vector. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::arch {

// Routes ISA IRQ `isa_irq` (< 16) to `vector` on the boot CPU, with the
// polarity and trigger mode of the MADT's interrupt source override (ISA
// default: active high, edge). False when there is no I/O APIC or the
// line's GSI is not one of its pins. Boot-time, task context.
bool ioapic_route_isa(u8 isa_irq, u8 vector);
// Masks the line again (the vector's handler goes away).
void ioapic_mask_isa(u8 isa_irq);

} // namespace keel::arch
