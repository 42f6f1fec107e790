// Device I/O for drivers: I/O ports and memory-mapped register windows.
//
// Allow-list: a driver gets these only as resources of a device it was
// given: PciFunction::map_bar / io_bar (keel/pci.h). There is no public way
// to name an arbitrary address. Even then the framework refuses windows
// that are not a device's own: anything in the boot memory map (RAM,
// firmware, ACPI tables), the first MiB (BIOS areas, VGA), the framework's
// devices (local and I/O APIC, HPET, the IOMMU), the whole MSI window
// 0xfee00000-0xfeefffff, the PCI Express configuration window (ECAM), and
// every I/O port below
// 0x1000 (the chipset: PICs, PIT, CMOS/RTC, ISA DMA, A20, 0xcf8-0xcff PCI
// configuration and 0xcf9 reset, QEMU's fw_cfg 0x510-0x51b, COM1) or used
// by ACPI for power-off and SMIs. MMIO claims are exclusive per page (the
// unit of mapping): two handles never share a page. Accesses are bounds-
// and alignment-checked; a bad offset is a driver bug and fails a check.
//
// What this cannot stop without an IOMMU: a driver programming its device
// to DMA into arbitrary physical memory (keel/dma.h, docs/safety-profile.md,
// residual risks).
#pragma once

#include <klib/annotations.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

class PciFunction;

class IoPorts {
public:
    IoPorts(IoPorts&& o) noexcept : base_(o.base_), count_(o.count_) { o.count_ = 0; }
    IoPorts(const IoPorts&) = delete;
    IoPorts& operator=(const IoPorts&) = delete;
    IoPorts& operator=(IoPorts&&) = delete;
    ~IoPorts();

    u16 base() const { return base_; }
    u32 count() const { return count_; }

    // `offset` is relative to base(); offset + width must be within count().
    u8 read8(u32 offset) const;
    u16 read16(u32 offset) const;
    u32 read32(u32 offset) const;
    void write8(u32 offset, u8 v) const;
    void write16(u32 offset, u16 v) const;
    void write32(u32 offset, u32 v) const;

private:
    friend class PciFunction;
    // Claims ports [base, base + count). PermissionDenied if any is refused
    // (above), Busy if claimed by another holder, InvalidArgument if empty
    // or past 0xffff.
    static klib::Result<IoPorts> claim(u16 base, u32 count);
    IoPorts(u16 base, u32 count) : base_(base), count_(count) {}
    u16 port(u32 offset, u32 width) const;
    u16 base_;
    u32 count_;
};

class IoMem {
public:
    IoMem(IoMem&& o) noexcept : phys_(o.phys_), size_(o.size_), va_(o.va_) { o.size_ = 0; }
    IoMem(const IoMem&) = delete;
    IoMem& operator=(const IoMem&) = delete;
    IoMem& operator=(IoMem&&) = delete;
    ~IoMem();

    u64 phys() const { return phys_; }
    u64 size() const { return size_; }

    // Naturally aligned accesses within the window (checked).
    u8 read8(u64 offset) const;
    u16 read16(u64 offset) const;
    u32 read32(u64 offset) const;
    u64 read64(u64 offset) const;
    void write8(u64 offset, u8 v) const;
    void write16(u64 offset, u16 v) const;
    void write32(u64 offset, u32 v) const;
    void write64(u64 offset, u64 v) const;

private:
    friend class PciFunction;
    // Maps the device window [phys, phys + size) uncached. PermissionDenied
    // if its pages overlap a refused range (above), Busy if one of its
    // pages is claimed, NoMemory if it cannot be mapped, InvalidArgument if
    // empty or wrapping.
    static klib::Result<IoMem> claim(u64 phys, u64 size);
    IoMem(u64 phys, u64 size, u64 va) : phys_(phys), size_(size), va_(va) {}
    u64 addr(u64 offset, u64 width) const;
    u64 phys_;
    u64 size_;
    u64 va_;
};

} // namespace keel

KLIB_TRUSTED_END
