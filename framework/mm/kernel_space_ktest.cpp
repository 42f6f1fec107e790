// ktests for the kernel address space: what the direct map covers, and that
// MMIO windows and kernel stacks leave nothing behind when they fail.
#include "acpi/acpi.h"
#include "boot/boot_info.h"
#include "mm/direct_map.h"
#include "mm/frame_allocator.h"
#include "mm/kernel_space.h"
#include "mm/phys.h"
#include <keel/ktest.h>

namespace keel::mm {
namespace {

constexpr u64 P2M = page_bytes(PageSize::Size2M);

// True when physical page `pa` overlaps a RAM-like region of the boot map.
bool ram_like_page(u64 pa) {
    const auto& bi = boot::info();
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        if (direct_mapped_kind(r.kind) && pa < r.base + r.size && r.base < pa + PAGE_SIZE) {
            return true;
        }
    }
    return false;
}

bool direct_mapped(u64 pa) {
    return kernel_query(phys_to_virt(pa)).has_value();
}

} // namespace

// Regression: the direct map used to cover every region of the memory map,
// rounded out to 2 MiB, so device windows (q35: the PCIe ECAM at 0xb0000000,
// the I/O APIC and HPET in the 2 MiB around the reserved 0xfed1c000) were
// mapped write-back, aliasing their uncached mappings.
KTEST(direct_map_excludes_device_windows) {
    usize wrongly_mapped = 0;
    auto check = [&](u64 pa) {
        if (!ram_like_page(pa) && direct_mapped(pa)) {
            if (wrongly_mapped++ == 0) {
                log_error("    device page {:#x} is in the direct map", pa);
            }
        }
    };
    const auto& bi = boot::info();
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        if (direct_mapped_kind(r.kind) || r.base >= DIRECT_MAP_LIMIT) {
            continue;
        }
        // Every 2 MiB step and the last page of each non-RAM region.
        for (u64 pa = r.base & ~(PAGE_SIZE - 1); pa < r.base + r.size; pa += P2M) {
            check(pa);
        }
        check((r.base + r.size - 1) & ~(PAGE_SIZE - 1));
    }
    // Device addresses of the PC platform (unless the map says RAM there).
    check(acpi::info().lapic_phys & ~(PAGE_SIZE - 1));
    check(0xfec00000); // I/O APIC
    check(0xfed00000); // HPET
    check(0xa0000);    // legacy VGA window
    check(0xb0000000); // q35 PCIe ECAM (pc: the PCI hole)
    KEXPECT_EQ(wrongly_mapped, usize(0));
}

KTEST(direct_map_covers_every_ram_region) {
    const auto& bi = boot::info();
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        if (!direct_mapped_kind(r.kind) || r.base >= DIRECT_MAP_LIMIT) {
            continue;
        }
        KEXPECT(direct_mapped(r.base & ~(PAGE_SIZE - 1)));
        KEXPECT(direct_mapped((r.base + r.size - 1) & ~(PAGE_SIZE - 1)));
        auto m = kernel_query(phys_to_virt(r.base));
        if (m.has_value()) {
            KEXPECT((m.value().flags & pte::PCD) == 0);
        }
    }
}

// W^X on aliases: the kernel's code and read-only data are reachable through
// the direct map too; that alias must not be writable.
KTEST(direct_map_alias_of_kernel_image_is_read_only) {
    auto text = kernel_query(phys_to_virt(u64(__text_start) - kernel_vma));
    auto ro = kernel_query(phys_to_virt(u64(__rodata_start) - kernel_vma));
    auto data = kernel_query(phys_to_virt(u64(__data_start) - kernel_vma));
    KASSERT(text.has_value() && ro.has_value() && data.has_value());
    KEXPECT((text.value().flags & pte::WRITE) == 0);
    KEXPECT((ro.value().flags & pte::WRITE) == 0);
    KEXPECT((data.value().flags & pte::WRITE) != 0);
    usize writable = 0;
    for (u64 va = u64(__text_start); va < u64(__rodata_end); va += PAGE_SIZE) {
        auto m = kernel_query(phys_to_virt(va - kernel_vma));
        KASSERT(m.has_value());
        writable += (m.value().flags & pte::WRITE) != 0;
    }
    KEXPECT_EQ(writable, usize(0));
}

KTEST_SHOULD_PANIC(direct_map_write_to_kernel_text_alias_faults, "page fault: write") {
    volatile u8* alias = reinterpret_cast<volatile u8*>(
        phys_to_virt(u64(__text_start) - kernel_vma + ktest::opaque(0x10)));
    *alias = 0x90;
}

// Regression: a map_mmio() that failed half-way left its pages mapped and
// did not advance, so every later window collided with them (Exists).
KTEST(mmio_window_failure_leaves_nothing_behind) {
    auto probe = map_mmio(0xfe000000, PAGE_SIZE);
    KASSERT(probe.is_ok());
    const u64 free_before = free_bytes();
    const u64 next = probe.value() + 2 * PAGE_SIZE; // window + hole
    // A window that crosses into the next page table, whose allocation fails.
    const u64 to_boundary = (((next + P2M) & ~(P2M - 1)) - next) / PAGE_SIZE;
    const u64 size = (to_boundary + 2) * PAGE_SIZE;
    inject_frame_failures(1);
    auto r = map_mmio(0xfe000000, size);
    inject_frame_failures(0);
    KEXPECT(r.is_err() && r.error() == klib::Error::NoMemory);
    KEXPECT(!kernel_query(next).has_value());
    KEXPECT_EQ(free_bytes(), free_before);
    auto again = map_mmio(0xfe000000, size);
    KASSERT(again.is_ok());
    KEXPECT_EQ(again.value(), next);
    KEXPECT(kernel_query(next + size - PAGE_SIZE).has_value());
}

// Regression: windows and stacks were not bounded by their areas; a huge
// request ran on into the next area (or wrapped) instead of failing.
KTEST(mmio_and_stack_areas_are_bounded) {
    const u64 free_before = free_bytes();
    KEXPECT(map_mmio(0x1000, 0).is_err());
    KEXPECT(map_mmio(~u64(0) - 10, 100).is_err());
    KEXPECT(map_mmio(0x1000, 1ull << 50).is_err()); // larger than the MMIO area
    KEXPECT(alloc_kernel_stack(0).is_err());
    KEXPECT(alloc_kernel_stack(usize(1) << 40).is_err());
    KEXPECT(alloc_kernel_stack(~usize(0)).is_err());
    KEXPECT_EQ(free_bytes(), free_before);
    KEXPECT(alloc_kernel_stack(1).is_ok());
}

// Regression: when a page table for a new stack could not be allocated, the
// stack frame and the pages mapped so far leaked, and the next stack
// allocation collided with them.
KTEST(kernel_stack_failure_leaves_nothing_behind) {
    auto probe = alloc_kernel_stack(1);
    KASSERT(probe.is_ok());
    const u64 bottom = probe.value() + PAGE_SIZE; // next guard at probe top
    const u64 to_boundary = (((bottom + P2M) & ~(P2M - 1)) - bottom) / PAGE_SIZE % 512;
    const usize pages = usize(to_boundary + 2);
    // Fail each allocation in turn: frames before the boundary, the frame
    // at it, and the page table it needs.
    for (u32 after = 0; after < 3; ++after) {
        const u64 free_before = free_bytes();
        u32 skip = u32(to_boundary) + after;
        if (after == 0 && to_boundary > 0) {
            skip = 0; // the very first frame
        }
        inject_frame_failures(1, skip);
        auto r = alloc_kernel_stack(pages);
        inject_frame_failures(0);
        KEXPECT(r.is_err());
        KEXPECT_EQ(free_bytes(), free_before);
        KEXPECT(!kernel_query(bottom).has_value());
    }
    auto ok = alloc_kernel_stack(pages);
    KASSERT(ok.is_ok());
    KEXPECT_EQ(ok.value(), bottom + pages * PAGE_SIZE);
    KEXPECT(!kernel_query(bottom - PAGE_SIZE).has_value()); // guard
}

} // namespace keel::mm
