// Which physical pages the direct map covers, and with which page size.
// Hardware-free (host-tested in tests/host/fw/direct_map_test.cpp).
//
// Only RAM-like memory (usable, ACPI reclaimable, ACPI NVS) is mapped, and a
// 2 MiB page is used only where the whole 2 MiB is RAM-like: rounding RAM out
// to 2 MiB, or mapping "reserved" ranges, would map device windows (the q35
// PCIe ECAM at 0xb0000000, the I/O APIC and HPET next to the chipset's
// reserved 0xfed1c000, the local APIC, the legacy VGA hole) write-back
// cacheable, aliasing the uncached MMIO mappings: the CPU may then prefetch
// or write back lines to device registers (Intel SDM vol. 3, 11.12.4).
#pragma once

#include "arch/x86_64/layout.h"
#include "boot/boot_info.h"
#include "mm/page_table.h"

namespace keel::mm {

// Physical addresses at or above this have no room in the direct map (its
// virtual area ends where the kernel-stack area begins): 64 TiB.
constexpr u64 DIRECT_MAP_LIMIT = u64(KSTACK_AREA_BASE) - u64(DIRECT_MAP_BASE);

inline bool direct_mapped_kind(boot::RegionKind k) {
    return k == boot::RegionKind::Usable || k == boot::RegionKind::AcpiReclaim ||
           k == boot::RegionKind::AcpiNvs;
}

// Calls emit(pa, PageSize) once for every page of the direct map: the
// RAM-like regions (rounded out to 4 KiB, clipped to DIRECT_MAP_LIMIT),
// merged, with 2 MiB pages where a whole aligned 2 MiB lies inside one merged
// range and outside [split_start, split_end) (a range that needs per-page
// permissions, e.g. the kernel image), 4 KiB pages elsewhere. Emitted pages
// never overlap.
template <typename Emit>
void plan_direct_map(const boot::Region* regions, usize n, u64 split_start, u64 split_end,
                     Emit&& emit) {
    constexpr u64 P4K = page_bytes(PageSize::Size4K);
    constexpr u64 P2M = page_bytes(PageSize::Size2M);
    struct Range {
        u64 start, end;
    };
    Range ranges[boot::MAX_REGIONS];
    usize count = 0;
    for (usize i = 0; i < n && count < boot::MAX_REGIONS; ++i) {
        const boot::Region& r = regions[i];
        if (!direct_mapped_kind(r.kind) || r.size == 0 || r.base >= DIRECT_MAP_LIMIT) {
            continue;
        }
        u64 end = r.size > DIRECT_MAP_LIMIT - r.base ? DIRECT_MAP_LIMIT : r.base + r.size;
        Range rr{r.base & ~(P4K - 1), (end + P4K - 1) & ~(P4K - 1)};
        // Insertion sort by start.
        usize j = count++;
        while (j > 0 && ranges[j - 1].start > rr.start) {
            ranges[j] = ranges[j - 1];
            --j;
        }
        ranges[j] = rr;
    }
    // Merge overlapping or touching ranges.
    usize merged = 0;
    for (usize i = 0; i < count; ++i) {
        if (merged > 0 && ranges[i].start <= ranges[merged - 1].end) {
            if (ranges[i].end > ranges[merged - 1].end) {
                ranges[merged - 1].end = ranges[i].end;
            }
        } else {
            ranges[merged++] = ranges[i];
        }
    }
    for (usize i = 0; i < merged; ++i) {
        u64 pa = ranges[i].start;
        while (pa < ranges[i].end) {
            bool whole = (pa & (P2M - 1)) == 0 && ranges[i].end - pa >= P2M;
            bool split = pa < split_end && split_start < pa + P2M;
            if (whole && !split) {
                emit(pa, PageSize::Size2M);
                pa += P2M;
            } else {
                emit(pa, PageSize::Size4K);
                pa += P4K;
            }
        }
    }
}

} // namespace keel::mm
