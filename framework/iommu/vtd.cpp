// Intel VT-d (Virtualization Technology for Directed I/O, spec rev. 4):
// one shared second-level domain, identity-mapped (device address =
// physical address) but holding only the frames of live DMA handles.
// Register-based invalidation, no interrupt remapping.
#include "iommu/vtd.h"

#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "mm/kernel_space.h"
#include "mm/page_table.h"
#include "mm/table_mem.h"
#include <keel/log.h>
#include <keel/sync/spinlock.h>

namespace keel::iommu {

namespace {

constexpr u32 REG_CAP = 0x08;
constexpr u32 REG_ECAP = 0x10;
constexpr u32 REG_GCMD = 0x18;
constexpr u32 REG_GSTS = 0x1c;
constexpr u32 REG_RTADDR = 0x20;
constexpr u32 REG_CCMD = 0x28;
constexpr u32 CMD_TE = 1u << 31;   // translation enable
constexpr u32 CMD_SRTP = 1u << 30; // set root table pointer
constexpr u16 DOMAIN = 1;

struct Unit {
    u64 regs = 0;    // the register page (virtual), 0 when off
    u64 root = 0;    // root table: one entry per bus
    u64 tables = 0;  // second-level tables: 4-level root
    u64 slptptr = 0; // what context entries point at (4- or 3-level)
    u64 aw = 0;      // context-entry address width: 2 = 48-bit, 1 = 39-bit
    u64 limit = 0;   // first address the domain cannot map
};
SpinLock<Unit, IrqOff> g_unit;
mm::TableMem g_mem;

u64 rd(const Unit& u, u32 off) {
    // SAFETY: regs maps the unit's 4 KiB register page uncached; off < 4096.
    return *reinterpret_cast<volatile u64*>(u.regs + off);
}
void wr64(const Unit& u, u32 off, u64 v) {
    // SAFETY: as rd.
    *reinterpret_cast<volatile u64*>(u.regs + off) = v;
}
void wr32(const Unit& u, u32 off, u32 v) {
    // SAFETY: as rd.
    *reinterpret_cast<volatile u32*>(u.regs + off) = v;
}

// Waits until (register & bit) == want: the unit finishes each command.
void wait_for(const Unit& u, u32 off, u64 bit, bool want) {
    for (u32 i = 0; i < 10000000 && ((rd(u, off) & bit) != 0) != want; ++i) {
        arch::pause();
    }
}

// Global context-cache then IOTLB invalidation (the IOTLB registers sit at
// ECAP.IRO * 16).
void flush(const Unit& u) {
    wr64(u, REG_CCMD, (1ull << 63) | (1ull << 61));
    wait_for(u, REG_CCMD, 1ull << 63, false);
    const u32 iotlb = u32(((rd(u, REG_ECAP) >> 8) & 0x3ff) * 16 + 8);
    wr64(u, iotlb, (1ull << 63) | (1ull << 60));
    wait_for(u, iotlb, 1ull << 63, false);
}

u64* table(u64 pa) {
    return g_mem.table(pa); // page-table frames, direct-mapped
}

} // namespace

void init() {
    const u64 base = acpi::info().dmar_phys;
    if (base == 0) {
        return;
    }
    auto regs = mm::map_mmio(base, 4096);
    auto root = g_mem.alloc_table();
    auto tables = g_mem.alloc_table();
    auto l3 = g_mem.alloc_table();
    auto zero = g_mem.alloc_table();
    if (regs.is_err() || !root.has_value() || !tables.has_value() || !l3.has_value() ||
        !zero.has_value()) {
        log_warn("iommu: out of memory; DMA is not remapped");
        return;
    }
    g_unit.with([&](Unit& u) {
        Unit n;
        n.regs = regs.value();
        const u64 sagaw = (rd(n, REG_CAP) >> 8) & 0x1f;
        n.root = root.value();
        n.tables = tables.value();
        // 4-level tables; a 39-bit unit walks from the first level-3 table,
        // which must then never be freed as empty: a read-only zero page at
        // 511 GiB (above anything map() accepts) keeps it populated.
        table(n.tables)[0] = l3.value() | mm::pte::PRESENT | mm::pte::WRITE;
        mm::PageTableOps<mm::TableMem> ops(g_mem);
        if ((sagaw & 6) == 0 ||
            ops.map(n.tables, 511ull << 30, zero.value(), mm::pte::PRESENT, mm::PageSize::Size4K)
                .is_err()) {
            return; // stays off
        }
        n.aw = (sagaw & 4) != 0 ? 2 : 1;
        n.slptptr = n.aw == 2 ? n.tables : l3.value();
        n.limit = 511ull << 30;
        wr64(n, REG_RTADDR, n.root);
        wr32(n, REG_GCMD, CMD_SRTP);
        wait_for(n, REG_GSTS, CMD_SRTP, true);
        flush(n);
        wr32(n, REG_GCMD, CMD_TE);
        wait_for(n, REG_GSTS, CMD_TE, true);
        u = n;
    });
    if (active()) {
        log_info("iommu: VT-d at {:#x}: DMA remapped, devices reach only DMA buffers", base);
    } else {
        log_warn("iommu: VT-d at {:#x} has no 39- or 48-bit tables; DMA is not remapped", base);
    }
}

bool active() {
    return g_unit.with([](Unit& u) { return u.regs != 0; });
}

klib::Result<void> attach(u8 bus, u8 devfn) {
    return g_unit.with([&](Unit& u) -> klib::Result<void> {
        if (u.regs == 0) {
            return {};
        }
        u64& re = table(u.root)[2 * bus]; // root entry: low word = context table
        if ((re & 1) == 0) {
            auto ctx = g_mem.alloc_table();
            if (!ctx.has_value()) {
                return klib::Err(klib::Error::NoMemory);
            }
            re = ctx.value() | 1;
        }
        u64* ce = table(re & mm::pte::ADDR_MASK) + 2 * devfn;
        if ((ce[0] & 1) == 0) {
            ce[1] = u.aw | (u64(DOMAIN) << 8);
            ce[0] = u.slptptr | 1; // present, untranslated requests only
            flush(u);
        }
        return {};
    });
}

klib::Result<void> map(u64 pa, u64 size, bool write) {
    return g_unit.with([&](Unit& u) -> klib::Result<void> {
        if (u.regs == 0) {
            return {};
        }
        if (pa + size > u.limit) {
            return klib::Err(klib::Error::NoMemory); // beyond the unit's reach
        }
        mm::PageTableOps<mm::TableMem> ops(g_mem);
        const u64 flags = mm::pte::PRESENT | (write ? mm::pte::WRITE : 0); // VT-d: R, W
        for (u64 off = 0; off < size; off += 4096) {
            auto r = ops.map(u.tables, pa + off, pa + off, flags, mm::PageSize::Size4K);
            if (r.is_err()) {
                for (u64 back = 0; back < off; back += 4096) {
                    (void)ops.unmap(u.tables, pa + back);
                }
                return klib::Err(r.error());
            }
        }
        return {};
    });
}

void unmap(u64 pa, u64 size) {
    g_unit.with([&](Unit& u) {
        if (u.regs == 0) {
            return;
        }
        mm::PageTableOps<mm::TableMem> ops(g_mem);
        for (u64 off = 0; off < size; off += 4096) {
            (void)ops.unmap(u.tables, pa + off);
        }
        flush(u); // the device cannot use a cached translation afterwards
    });
}

} // namespace keel::iommu

namespace keel {

bool dma_remapped() {
    return iommu::active();
}

namespace detail {

klib::Result<void> dma_map(u64 pa, u64 size, bool device_writes) {
    return iommu::map(pa, size, device_writes);
}

void dma_unmap(u64 pa, u64 size) {
    iommu::unmap(pa, size);
}

} // namespace detail

} // namespace keel
