// keel::PciFunction: configuration space (ECAM or ports 0xcf8/0xcfc) of one
// function, its BARs, bus mastering and MSI/MSI-X.
#include <keel/pci.h>

#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "io/windows.h"
#include "iommu/vtd.h"
#include "mm/kernel_space.h"
#include <keel/sync/spinlock.h>
#include <klib/vec.h>

namespace keel {

namespace {

constexpr u16 REG_COMMAND = 0x04;
constexpr u16 REG_CLASS = 0x08;
constexpr u16 REG_HEADER = 0x0c;
constexpr u16 REG_BAR0 = 0x10;
constexpr u16 REG_CAP_PTR = 0x34;
constexpr u32 CMD_IO = 1;
constexpr u32 CMD_MEM = 2;
constexpr u32 CMD_MASTER = 4;
constexpr u8 CAP_MSI = 0x05;
constexpr u8 CAP_VENDOR = 0x09;
constexpr u8 CAP_MSIX = 0x11;

u32 bdf(PciAddress a) {
    return (u32(a.bus) << 8) | (u32(a.device) << 3) | a.function;
}

SpinLock<klib::Vec<u32>, IrqOff> g_open; // bdf of every live handle
SpinLock<u32, IrqOff> g_ports;           // one 0xcf8/0xcfc pair at a time

void release(u32 id) {
    g_open.with([&](klib::Vec<u32>& v) {
        for (usize i = 0; i < v.size(); ++i) {
            if (v[i] == id) {
                v.remove(i);
                return;
            }
        }
    });
}

} // namespace

klib::Result<PciFunction> PciFunction::open(PciAddress a) {
    if (a.device > 31 || a.function > 7) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const acpi::Info& acpi = acpi::info();
    const bool ecam = acpi.ecam_phys != 0;
    if (ecam && (a.bus < acpi.ecam_bus_start || a.bus > acpi.ecam_bus_end)) {
        return klib::Err(klib::Error::NotFound);
    }
    const u32 id = bdf(a);
    TRY(g_open.with([&](klib::Vec<u32>& v) -> klib::Result<void> {
        for (u32 o : v) {
            if (o == id) {
                return klib::Err(klib::Error::Busy);
            }
        }
        return v.try_push(id);
    }));
    u64 va = 0;
    if (ecam) {
        auto m = mm::map_mmio(acpi.ecam_phys + (u64(a.bus - acpi.ecam_bus_start) << 20) +
                                  (u64(id & 0xff) << 12),
                              4096);
        if (m.is_err()) {
            release(id);
            return klib::Err(m.error());
        }
        va = m.value();
    }
    PciFunction f(a, va); // from here on its destructor releases
    if ((f.raw_read32(0) & 0xffff) == 0xffff) {
        return klib::Err(klib::Error::NotFound);
    }
    const u8 cls = u8(f.raw_read32(REG_CLASS) >> 24);
    f.writable_ = (u8(f.raw_read32(REG_HEADER) >> 16) & 0x7f) == 0 && cls != 0x06;
    if (f.writable_) {
        f.size_bars();
    }
    return f;
}

PciFunction::PciFunction(PciFunction&& o) noexcept
    : addr_(o.addr_), ecam_va_(o.ecam_va_), open_(o.open_), writable_(o.writable_),
      bus_master_on_(o.bus_master_on_), msi_on_(o.msi_on_), msix_on_(o.msix_on_), bars_(o.bars_) {
    o.open_ = false;
}

PciFunction::~PciFunction() {
    if (!open_) {
        return;
    }
    // Quiesce what this handle started: no DMA or interrupts from a device
    // whose driver is gone.
    if (msix_on_) {
        const u8 c = find_cap(CAP_MSIX);
        raw_write(u16(c + 2), 2, (raw_read32(c) >> 16) & ~u32(0x8000));
    }
    if (msi_on_) {
        const u8 c = find_cap(CAP_MSI);
        raw_write(u16(c + 2), 2, (raw_read32(c) >> 16) & ~u32(1));
    }
    if (bus_master_on_) {
        raw_write(REG_COMMAND, 2, raw_read32(REG_COMMAND) & 0xffff & ~CMD_MASTER);
    }
    if (ecam_va_ != 0) {
        mm::unmap_mmio(ecam_va_, 4096);
    }
    release(bdf(addr_));
}

u32 PciFunction::raw_read32(u16 offset) const {
    if (ecam_va_ != 0) {
        // SAFETY: ecam_va_ maps this function's own 4 KiB ECAM page uncached
        // while the handle lives; callers pass offset < 4096, and the mask
        // keeps the access aligned.
        return *reinterpret_cast<volatile u32*>(ecam_va_ + (offset & 0xffc));
    }
    const u32 sel = 0x80000000u | (bdf(addr_) << 8) | (offset & 0xfc);
    return g_ports.with([&](u32&) {
        // SAFETY: ports 0xcf8-0xcff are never handed out (io::window_allowed
        // refuses every port below 0x1000); the lock keeps the select/data
        // pair together; `sel` names this function only.
        arch::outl(0xcf8, sel);
        return arch::inl(0xcfc);
    });
}

void PciFunction::raw_write(u16 offset, u32 width, u32 v) {
    if (ecam_va_ != 0) {
        const u64 p = ecam_va_ + (offset & 0xfff);
        // SAFETY: as raw_read32; callers pass naturally aligned offsets.
        if (width == 1) {
            *reinterpret_cast<volatile u8*>(p) = u8(v);
        } else if (width == 2) {
            *reinterpret_cast<volatile u16*>(p) = u16(v);
        } else {
            *reinterpret_cast<volatile u32*>(p) = v;
        }
        return;
    }
    const u32 sel = 0x80000000u | (bdf(addr_) << 8) | (offset & 0xfc);
    g_ports.with([&](u32&) {
        // SAFETY: as raw_read32; 0xcfc-0xcff is the data window.
        arch::outl(0xcf8, sel);
        const u16 port = u16(0xcfc + (offset & 3));
        if (width == 1) {
            arch::outb(port, u8(v));
        } else if (width == 2) {
            arch::outw(port, u16(v));
        } else {
            arch::outl(port, v);
        }
    });
}

u32 PciFunction::read32(u16 offset) const {
    if ((offset & 3) != 0 || offset >= (ecam_va_ != 0 ? 4096 : 256)) {
        return 0xffffffff;
    }
    return raw_read32(offset);
}

u16 PciFunction::read16(u16 offset) const {
    return (offset & 1) != 0 ? 0xffff : u16(read32(u16(offset & ~3)) >> (8 * (offset & 2)));
}

u8 PciFunction::read8(u16 offset) const {
    return u8(read32(u16(offset & ~3)) >> (8 * (offset & 3)));
}

u8 PciFunction::find_cap(u8 id) const {
    if ((raw_read32(REG_COMMAND) & (u32(0x10) << 16)) == 0) {
        return 0; // no capability list
    }
    u8 off = u8(raw_read32(REG_CAP_PTR)) & 0xfc;
    // At most 48 capabilities fit after the header: a looping list ends.
    for (u32 guard = 0; off >= 0x40 && guard < 48; ++guard) {
        const u32 h = raw_read32(off);
        if (u8(h) == id) {
            return off;
        }
        off = u8(h >> 8) & 0xfc;
    }
    return 0;
}

klib::Result<void> PciFunction::write(u16 offset, u32 width, u32 v) {
    if ((offset & (width - 1)) != 0) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    if (!writable_ || offset < 0x40 || offset >= 0x100) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    // Not inside an MSI or MSI-X capability, nor at or after a vendor-
    // specific one (their length is the device's word: refuse the rest).
    if ((raw_read32(REG_COMMAND) & (u32(0x10) << 16)) != 0) {
        u8 off = u8(raw_read32(REG_CAP_PTR)) & 0xfc;
        for (u32 guard = 0; off >= 0x40 && guard < 48; ++guard) {
            const u32 h = raw_read32(off);
            const u8 id = u8(h);
            const u32 len = id == CAP_MSI ? 24 : id == CAP_MSIX ? 12 : id == CAP_VENDOR ? 256 : 0;
            if (offset + width > off && offset < off + len) {
                return klib::Err(klib::Error::PermissionDenied);
            }
            off = u8(h >> 8) & 0xfc;
        }
    }
    raw_write(offset, width, v);
    return {};
}

klib::Result<void> PciFunction::write8(u16 offset, u8 v) {
    return write(offset, 1, v);
}
klib::Result<void> PciFunction::write16(u16 offset, u16 v) {
    return write(offset, 2, v);
}
klib::Result<void> PciFunction::write32(u16 offset, u32 v) {
    return write(offset, 4, v);
}

void PciFunction::size_bars() {
    const u32 cmd = raw_read32(REG_COMMAND) & 0xffff;
    raw_write(REG_COMMAND, 2, cmd & ~(CMD_IO | CMD_MEM)); // no decoding while probing
    for (usize i = 0; i < 6; ++i) {
        const u16 reg = u16(REG_BAR0 + 4 * i);
        const u32 orig = raw_read32(reg);
        raw_write(reg, 4, 0xffffffff);
        const u32 mask = raw_read32(reg);
        raw_write(reg, 4, orig);
        if (mask == 0 || mask == 0xffffffff) {
            continue; // unimplemented
        }
        PciBar& b = bars_[i];
        if ((orig & 1) != 0) {
            b = PciBar{orig & ~u32(3), u64(~(mask & ~u32(3)) + 1) & 0xffff, true, false};
            continue;
        }
        b.base = orig & ~u32(0xf);
        b.prefetchable = (orig & 8) != 0;
        u64 size_mask = u64(mask & ~u32(0xf)) | 0xffffffff00000000ull;
        if (((orig >> 1) & 3) == 2 && i < 5) { // 64-bit: the next BAR is the upper half
            const u32 hi = raw_read32(u16(reg + 4));
            raw_write(u16(reg + 4), 4, 0xffffffff);
            size_mask = (u64(raw_read32(u16(reg + 4))) << 32) | (mask & ~u32(0xf));
            raw_write(u16(reg + 4), 4, hi);
            b.base |= u64(hi) << 32;
            ++i;
        }
        b.size = ~size_mask + 1;
    }
    raw_write(REG_COMMAND, 2, cmd);
}

// Turns on memory or I/O decoding, only if every BAR of that kind is an
// allowed window (decoding applies to all of them at once).
klib::Result<void> PciFunction::enable_decode(bool io) {
    for (const PciBar& b : bars_) {
        if (b.size != 0 && b.io == io &&
            (b.base + b.size < b.base || !io::window_allowed(b.base, b.base + b.size, io))) {
            return klib::Err(klib::Error::PermissionDenied);
        }
    }
    raw_write(REG_COMMAND, 2, (raw_read32(REG_COMMAND) & 0xffff) | (io ? CMD_IO : CMD_MEM));
    return {};
}

klib::Result<IoMem> PciFunction::map_bar(usize i, u64 offset, u64 size) {
    if (i >= 6 || bars_[i].size == 0 || bars_[i].io) {
        return klib::Err(klib::Error::NotFound);
    }
    const PciBar b = bars_[i];
    if (size == 0 || offset >= b.size || size > b.size - offset) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    // Mappings are per page: a BAR that does not own whole pages could share
    // one with another function's registers (e.g. its MSI-X table).
    if ((b.base & 0xfff) != 0 || (b.size & 0xfff) != 0) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    const u64 start = (b.base + offset) & ~u64(0xfff);
    const u64 end = (b.base + offset + size + 0xfff) & ~u64(0xfff);
    if (const u8 cap = find_cap(CAP_MSIX); cap != 0) {
        const u64 n = ((raw_read32(cap) >> 16) & 0x7ff) + 1;
        const u64 lens[2] = {16 * n, (n + 63) / 64 * 8}; // table, pending bits
        for (u32 k = 0; k < 2; ++k) {
            const u32 t = raw_read32(u16(cap + 4 + 4 * k));
            const u64 s = b.base + (t & ~u32(7));
            if ((t & 7) == i && start < ((s + lens[k] + 0xfff) & ~u64(0xfff)) &&
                (s & ~u64(0xfff)) < end) {
                return klib::Err(klib::Error::PermissionDenied);
            }
        }
    }
    IoMem m = TRY(IoMem::claim(b.base + offset, size));
    TRY(enable_decode(false));
    return m;
}

klib::Result<IoPorts> PciFunction::io_bar(usize i) {
    if (i >= 6 || bars_[i].size == 0 || !bars_[i].io) {
        return klib::Err(klib::Error::NotFound);
    }
    if (bars_[i].base > 0xffff || bars_[i].size > 0x10000 - bars_[i].base) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    IoPorts p = TRY(IoPorts::claim(u16(bars_[i].base), u32(bars_[i].size)));
    TRY(enable_decode(true));
    return p;
}

klib::Result<void> PciFunction::set_bus_master(bool on) {
    if (!writable_) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    if (on) { // with an IOMMU: the DMA domain (only DMA handles' memory)
        TRY(iommu::attach(addr_.bus, u8(bdf(addr_))));
    }
    const u32 cmd = raw_read32(REG_COMMAND) & 0xffff & ~CMD_MASTER;
    raw_write(REG_COMMAND, 2, on ? cmd | CMD_MASTER : cmd);
    bus_master_on_ = on;
    return {};
}

klib::Result<void> PciFunction::enable_msix(u16 entry, const IrqLine& irq) {
    const u8 cap = writable_ ? find_cap(CAP_MSIX) : 0;
    if (cap == 0) {
        return klib::Err(klib::Error::Unsupported);
    }
    const u32 mc = raw_read32(cap) >> 16;
    if (entry > (mc & 0x7ff)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const u32 t = raw_read32(u16(cap + 4));
    const PciBar b = (t & 7) < 6 ? bars_[t & 7] : PciBar{};
    const u64 off = u64(t & ~u32(7)) + 16 * u64(entry);
    if (b.size == 0 || b.io || off + 16 > b.size) {
        return klib::Err(klib::Error::Unsupported);
    }
    TRY(enable_decode(false));
    if (const u8 msi = find_cap(CAP_MSI); msi != 0) {
        raw_write(u16(msi + 2), 2, (raw_read32(msi) >> 16) & ~u32(1));
        msi_on_ = false;
    }
    const u64 va = TRY(mm::map_mmio(b.base + off, 16));
    // SAFETY: va maps the 16-byte entry of this function's own MSI-X table
    // (inside its BAR, bounds checked above) uncached; no driver maps that
    // page (map_bar refuses it). Masked while the message is rewritten.
    volatile u32* e = reinterpret_cast<volatile u32*>(va);
    e[3] = 1;
    e[0] = u32(irq.msi_address());
    e[1] = u32(irq.msi_address() >> 32);
    e[2] = irq.msi_data();
    e[3] = 0;
    mm::unmap_mmio(va, 16);
    raw_write(u16(cap + 2), 2, (mc | 0x8000) & ~u32(0x4000)); // enable, function mask off
    msix_on_ = true;
    return {};
}

klib::Result<void> PciFunction::enable_msi(const IrqLine& irq) {
    const u8 cap = writable_ ? find_cap(CAP_MSI) : 0;
    if (cap == 0) {
        return klib::Err(klib::Error::Unsupported);
    }
    if (const u8 x = find_cap(CAP_MSIX); x != 0) {
        raw_write(u16(x + 2), 2, (raw_read32(x) >> 16) & ~u32(0x8000));
        msix_on_ = false;
    }
    const u32 mc = raw_read32(cap) >> 16;
    const bool wide = (mc & 0x80) != 0;
    raw_write(u16(cap + 4), 4, u32(irq.msi_address()));
    if (wide) {
        raw_write(u16(cap + 8), 4, u32(irq.msi_address() >> 32));
    }
    raw_write(u16(cap + (wide ? 12 : 8)), 2, irq.msi_data());
    raw_write(u16(cap + 2), 2, (mc & ~u32(0x70)) | 1); // one message, enabled
    msi_on_ = true;
    return {};
}

} // namespace keel
