// Device I/O for drivers: I/O ports and memory-mapped register windows.
//
// Both are claimed exclusively and released when the handle goes away. The
// framework refuses anything that is not a device's own: RAM (a mapping of
// RAM as a "device" would alias kernel memory) and the devices the
// framework itself drives (PICs and their ELCR, PIT, COM1, the local APIC,
// I/O APIC, HPET, the PS/2 and CMOS ports, the debug-exit port, the ACPI PM1
// control and SMI command ports) and chipset ports that reach all of memory
// (the ISA DMA controllers and page registers, port 0x92's A20 gate). RAM is
// checked a page at a time, as windows are mapped. Accesses are bounds- and
// alignment-checked; a bad offset is a driver bug and fails a check.
//
// What this cannot stop without an IOMMU: a driver programming its device
// to DMA into arbitrary physical memory (docs/safety-profile.md, residual
// risks).
#pragma once

#include <klib/annotations.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

class IoPorts {
public:
    // Claims ports [base, base + count). PermissionDenied if any is the
    // framework's, Busy if claimed by another holder, InvalidArgument if
    // empty or past 0xffff.
    static klib::Result<IoPorts> claim(u16 base, u32 count);

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
    IoPorts(u16 base, u32 count) : base_(base), count_(count) {}
    u16 port(u32 offset, u32 width) const;
    u16 base_;
    u32 count_;
};

class IoMem {
public:
    // Maps the device window [phys, phys + size) uncached. PermissionDenied
    // if it overlaps RAM or a framework device, Busy if claimed, NoMemory
    // if it cannot be mapped, InvalidArgument if empty or wrapping.
    static klib::Result<IoMem> claim(u64 phys, u64 size);

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
    IoMem(u64 phys, u64 size, u64 va) : phys_(phys), size_(size), va_(va) {}
    u64 addr(u64 offset, u64 width) const;
    u64 phys_;
    u64 size_;
    u64 va_;
};

} // namespace keel

KLIB_TRUSTED_END
