// Intel VT-d DMA remapping. Framework-private: used by keel/dma.h handles
// and PciFunction.
#pragma once

#include <klib/result.h>
#include <klib/types.h>

namespace keel::iommu {

// Turns DMA remapping on if ACPI lists a VT-d unit for all PCI devices:
// from then on a device reaches only memory map() made reachable, and only
// once attach() gave it a context entry. Call once, after mm::init().
void init();
bool active();

// Gives the device (bus, device << 3 | function) the shared DMA domain.
klib::Result<void> attach(u8 bus, u8 devfn);

// Makes [pa, pa + size) reachable by devices at the same address (read,
// and write if `write`), or not any more. No-ops without an IOMMU.
klib::Result<void> map(u64 pa, u64 size, bool write);
void unmap(u64 pa, u64 size);

} // namespace keel::iommu
