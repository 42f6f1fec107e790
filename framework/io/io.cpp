// keel::IoPorts and keel::IoMem: exclusive claims checked against the boot
// memory map and the framework's own devices.
#include <keel/io.h>

#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "boot/boot_info.h"
#include "io/windows.h"
#include "mm/kernel_space.h"
#include <keel/sync/spinlock.h>
#include <klib/assert.h>
#include <klib/vec.h>

namespace keel {

namespace {

struct Range {
    u64 start, end; // [start, end)
};

bool overlaps(Range a, Range b) {
    return a.start < b.end && b.start < a.end;
}

// The ACPI ports the framework uses (PM1 control blocks for power-off) or
// that hand control to firmware (the SMI command port).
bool framework_acpi_port(Range r) {
    const acpi::Info& a = acpi::info();
    const Range own[] = {{a.pm1a_cnt, u64(a.pm1a_cnt) + 2},
                         {a.pm1b_cnt, u64(a.pm1b_cnt) + 2},
                         {a.smi_cmd, u64(a.smi_cmd) + 1}};
    for (const Range& o : own) {
        if (o.start != 0 && overlaps(r, o)) {
            return true;
        }
    }
    return false;
}

struct Claims {
    klib::Vec<Range> ports;
    klib::Vec<Range> mmio; // whole pages
};
SpinLock<Claims, IrqOff> g_claims;

// Memory that is never a driver's device window: see keel/io.h.
bool refused_memory(Range r) {
    const acpi::Info& a = acpi::info();
    const u64 pages[] = {a.lapic_phys, a.ioapic_phys, a.hpet_phys, a.dmar_phys};
    for (u64 base : pages) {
        if (base != 0 && overlaps(r, Range{base & ~u64(0xfff), (base & ~u64(0xfff)) + 0x1000})) {
            return true;
        }
    }
    if (r.start < 0x100000 || overlaps(r, Range{0xfee00000, 0xfef00000})) {
        return true; // BIOS areas and VGA; the MSI window (local APICs)
    }
    if (a.ecam_phys != 0 &&
        overlaps(r, Range{a.ecam_phys,
                          a.ecam_phys + ((u64(a.ecam_bus_end) + 1 - a.ecam_bus_start) << 20)})) {
        return true;
    }
    // Everything the boot memory map lists (RAM, firmware, ACPI tables) and
    // the initrd, wherever it lies. The map is read-only after boot.
    const auto& bi = boot::info();
    if (bi.initrd_size != 0 &&
        overlaps(r, Range{bi.initrd_phys & ~u64(0xfff), bi.initrd_phys + bi.initrd_size})) {
        return true;
    }
    for (usize i = 0; i < bi.region_count; ++i) {
        if (overlaps(r, Range{bi.regions[i].base, bi.regions[i].base + bi.regions[i].size})) {
            return true;
        }
    }
    return false;
}

klib::Result<void> add_claim(klib::Vec<Range>& list, Range r) {
    for (const Range& c : list) {
        if (overlaps(c, r)) {
            return klib::Err(klib::Error::Busy);
        }
    }
    return list.try_push(r);
}

void remove_claim(klib::Vec<Range>& list, u64 start) {
    for (usize i = 0; i < list.size(); ++i) {
        if (list[i].start == start) {
            list.remove(i);
            return;
        }
    }
}

} // namespace

namespace io {

bool window_allowed(u64 start, u64 end, bool is_io) {
    if (is_io) {
        return start >= 0x1000 && end <= 0x10000 && !framework_acpi_port(Range{start, end});
    }
    return !refused_memory(Range{start & ~u64(0xfff), (end + 0xfff) & ~u64(0xfff)});
}

} // namespace io

klib::Result<IoPorts> IoPorts::claim(u16 base, u32 count) {
    const Range r{base, u64(base) + count};
    if (count == 0 || r.end > 0x10000) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    if (!io::window_allowed(r.start, r.end, true)) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    TRY(g_claims.with([&](Claims& c) { return add_claim(c.ports, r); }));
    return IoPorts(base, count);
}

IoPorts::~IoPorts() {
    if (count_ != 0) {
        g_claims.with([&](Claims& c) { remove_claim(c.ports, base_); });
    }
}

u16 IoPorts::port(u32 offset, u32 width) const {
    KLIB_CHECK(offset < count_ && width <= count_ - offset,
               "IoPorts: access outside the claimed range");
    return u16(base_ + offset);
}

// SAFETY (port accesses): the port lies in a range this handle claimed
// exclusively, which excludes every port the framework uses (window_allowed).
u8 IoPorts::read8(u32 offset) const {
    return arch::inb(port(offset, 1));
}
u16 IoPorts::read16(u32 offset) const {
    return arch::inw(port(offset, 2));
}
u32 IoPorts::read32(u32 offset) const {
    return arch::inl(port(offset, 4));
}
void IoPorts::write8(u32 offset, u8 v) const {
    arch::outb(port(offset, 1), v);
}
void IoPorts::write16(u32 offset, u16 v) const {
    arch::outw(port(offset, 2), v);
}
void IoPorts::write32(u32 offset, u32 v) const {
    arch::outl(port(offset, 4), v);
}

klib::Result<IoMem> IoMem::claim(u64 phys, u64 size) {
    const Range r{phys, phys + size};
    if (size == 0 || r.end < r.start || r.end > (u64(1) << 52)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    // The window is mapped a whole page at a time, so the checks and the
    // claim are too: a page that is partly RAM is in the (write-back) direct
    // map, and an uncached alias of it would break "one cache type per
    // physical page"; two handles on one page would reach each other's
    // registers.
    const Range pages{phys & ~u64(0xfff), (r.end + 0xfff) & ~u64(0xfff)};
    if (!io::window_allowed(pages.start, pages.end, false)) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    TRY(g_claims.with([&](Claims& c) { return add_claim(c.mmio, pages); }));
    auto va = mm::map_mmio(phys, size);
    if (va.is_err()) {
        g_claims.with([&](Claims& c) { remove_claim(c.mmio, pages.start); });
        return klib::Err(va.error());
    }
    return IoMem(phys, size, va.value());
}

IoMem::~IoMem() {
    if (size_ != 0) {
        mm::unmap_mmio(va_, size_);
        g_claims.with([&](Claims& c) { remove_claim(c.mmio, phys_ & ~u64(0xfff)); });
    }
}

u64 IoMem::addr(u64 offset, u64 width) const {
    KLIB_CHECK(offset < size_ && width <= size_ - offset, "IoMem: access outside the window");
    KLIB_CHECK((offset & (width - 1)) == 0, "IoMem: misaligned access");
    return va_ + offset;
}

// SAFETY (MMIO accesses): the address lies in this handle's window, mapped
// uncached for as long as the handle lives; the window is a device's, never
// RAM; volatile keeps each access exactly as written.
u8 IoMem::read8(u64 o) const {
    return *reinterpret_cast<volatile u8*>(addr(o, 1));
}
u16 IoMem::read16(u64 o) const {
    return *reinterpret_cast<volatile u16*>(addr(o, 2));
}
u32 IoMem::read32(u64 o) const {
    return *reinterpret_cast<volatile u32*>(addr(o, 4));
}
u64 IoMem::read64(u64 o) const {
    return *reinterpret_cast<volatile u64*>(addr(o, 8));
}
void IoMem::write8(u64 o, u8 v) const {
    *reinterpret_cast<volatile u8*>(addr(o, 1)) = v;
}
void IoMem::write16(u64 o, u16 v) const {
    *reinterpret_cast<volatile u16*>(addr(o, 2)) = v;
}
void IoMem::write32(u64 o, u32 v) const {
    *reinterpret_cast<volatile u32*>(addr(o, 4)) = v;
}
void IoMem::write64(u64 o, u64 v) const {
    *reinterpret_cast<volatile u64*>(addr(o, 8)) = v;
}

} // namespace keel
