// Host tests for the direct-map plan (framework/mm/direct_map.h): which
// physical pages are mapped, and where 2 MiB pages are allowed.
#include "mm/direct_map.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace keel;
using namespace keel::mm;

namespace {

constexpr u64 K4 = 0x1000, M2 = 0x200000;
using boot::Region;
using boot::RegionKind;

// page address -> page size in bytes, checking that no two pages overlap.
std::map<u64, u64> plan(const std::vector<Region>& regions, u64 split_start = 0,
                        u64 split_end = 0) {
    std::map<u64, u64> pages;
    plan_direct_map(regions.data(), regions.size(), split_start, split_end,
                    [&](u64 pa, PageSize s) {
                        u64 len = page_bytes(s);
                        EXPECT_EQ(pa % len, 0u);
                        auto next = pages.lower_bound(pa);
                        if (next != pages.end()) {
                            EXPECT_LE(pa + len, next->first) << std::hex << pa;
                        }
                        if (next != pages.begin()) {
                            auto prev = std::prev(next);
                            EXPECT_LE(prev->first + prev->second, pa) << std::hex << pa;
                        }
                        pages[pa] = len;
                    });
    return pages;
}

bool mapped(const std::map<u64, u64>& pages, u64 pa) {
    auto it = pages.upper_bound(pa);
    if (it == pages.begin()) {
        return false;
    }
    --it;
    return pa < it->first + it->second;
}

// QEMU 7.2 q35, 512 MiB, as SeaBIOS reports it (seen at boot).
const std::vector<Region> Q35 = {
    {0x0, 0x9fc00, RegionKind::Usable},
    {0x9fc00, 0x400, RegionKind::Reserved},
    {0xf0000, 0x10000, RegionKind::Reserved},
    {0x100000, 0x1ffdf000 - 0x100000, RegionKind::Usable},
    {0x1ffdf000, 0x21000, RegionKind::Reserved},
    {0xb0000000, 0x10000000, RegionKind::Reserved}, // PCIe ECAM
    {0xfed1c000, 0x4000, RegionKind::Reserved},     // chipset RCRB
    {0xfffc0000, 0x40000, RegionKind::Reserved},    // BIOS ROM
    {0xfd00000000, 0x300000000, RegionKind::Reserved},
};

} // namespace

TEST(DirectMap, Q35MapsRamAndNoDeviceWindow) {
    auto pages = plan(Q35);
    // RAM, including the partial page at the end of low memory.
    EXPECT_TRUE(mapped(pages, 0));
    EXPECT_TRUE(mapped(pages, 0x9f000));
    EXPECT_TRUE(mapped(pages, 0x100000));
    EXPECT_TRUE(mapped(pages, 0x1ffde000));
    // Device windows and holes: not even through a rounded-out 2 MiB page.
    for (u64 pa : {0xa0000ull, 0xb8000ull, 0xf0000ull, 0x1ffdf000ull, 0xb0000000ull, 0xfec00000ull,
                   0xfed00000ull, 0xfed1c000ull, 0xfee00000ull, 0xfffc0000ull, 0xfd00000000ull}) {
        EXPECT_FALSE(mapped(pages, pa)) << std::hex << pa;
    }
    // 2 MiB pages wherever a whole 2 MiB is RAM; 4 KiB only at the edges.
    EXPECT_EQ(pages.at(0x200000), M2);
    EXPECT_EQ(pages.at(0x1fc00000), M2);
    EXPECT_EQ(pages.at(0x1fe00000), K4);
    EXPECT_EQ(pages.at(0x0), K4);
    usize small = 0;
    for (auto& [pa, len] : pages) {
        small += len == K4;
    }
    EXPECT_EQ(small, 0xa0u + 0x100u + 0x1dfu); // [0, 0xa0000), [1, 2) MiB, the tail
}

TEST(DirectMap, SplitRangeUsesSmallPages) {
    // The kernel image at 1 MiB..5 MiB: no 2 MiB page may cover any of it.
    auto pages = plan(Q35, 0x100000, 0x500000);
    EXPECT_EQ(pages.at(0x200000), K4);
    EXPECT_EQ(pages.at(0x400000), K4);
    EXPECT_EQ(pages.at(0x4ff000), K4);
    EXPECT_EQ(pages.at(0x600000), M2);
}

TEST(DirectMap, OverlappingAndAdjacentRegionsMergeWithoutDuplicates) {
    auto pages = plan({
        {0x1000000, 0x100000, RegionKind::Usable},
        {0x1080000, 0x180000, RegionKind::AcpiReclaim}, // overlaps, then extends
        {0x1200000, 0x200000, RegionKind::AcpiNvs},     // touches
        {0x1000000, 0x1000, RegionKind::Usable},        // duplicate
        {0x5000000, 0x10, RegionKind::Usable},          // tiny: one page
        {0x6000000, 0x1000000, RegionKind::Bad},
        {0x7000000, 0x1000000, RegionKind::Reserved},
    });
    EXPECT_EQ(pages.at(0x1000000), M2);
    EXPECT_EQ(pages.at(0x1200000), M2);
    EXPECT_EQ(pages.at(0x5000000), K4);
    EXPECT_FALSE(mapped(pages, 0x1400000));
    EXPECT_FALSE(mapped(pages, 0x6000000));
    EXPECT_FALSE(mapped(pages, 0x7000000));
    EXPECT_EQ(pages.size(), 3u);
}

TEST(DirectMap, RegionsBeyondTheDirectMapAreClipped) {
    auto pages = plan({
        {DIRECT_MAP_LIMIT - 0x2000, 0x10000, RegionKind::Usable},
        {DIRECT_MAP_LIMIT, 0x1000000, RegionKind::Usable},
        {~0ull - 0x10000, 0x1000, RegionKind::Usable},
    });
    EXPECT_EQ(pages.size(), 2u);
    EXPECT_TRUE(mapped(pages, DIRECT_MAP_LIMIT - 0x1000));
    EXPECT_FALSE(mapped(pages, DIRECT_MAP_LIMIT));
}
