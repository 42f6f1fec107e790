// Host tests for the page-table logic (framework/mm/page_table.h) over a
// fake physical memory.
#include "mm/page_table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

using namespace keel::mm;

namespace {

// Physical memory made of 4 KiB frames; frame 0 is never handed out so that
// physical address 0 stays invalid.
struct FakeMem {
    explicit FakeMem(size_t frames) : mem(frames * 512, 0), used(frames, false) { used[0] = true; }
    u64* table(u64 phys) {
        EXPECT_EQ(phys % 4096, 0u);
        EXPECT_LT(phys / 4096, used.size());
        EXPECT_TRUE(used[phys / 4096]) << "table access to a free frame";
        return &mem[phys / 8];
    }
    klib::Optional<u64> alloc_table() {
        if (fail_next) {
            fail_next = false;
            return klib::none;
        }
        for (size_t i = 1; i < used.size(); ++i) {
            if (!used[i]) {
                used[i] = true;
                std::fill(&mem[i * 512], &mem[i * 512 + 512], 0);
                ++live;
                return u64(i * 4096);
            }
        }
        return klib::none;
    }
    void free_table(u64 phys) {
        EXPECT_TRUE(used[phys / 4096]);
        used[phys / 4096] = false;
        --live;
    }
    std::vector<u64> mem;
    std::vector<bool> used;
    int live = 0;
    bool fail_next = false;
};

struct PT : ::testing::Test {
    FakeMem mem{64};
    PageTableOps<FakeMem> ops{mem};
    u64 root = mem.alloc_table().value();
};

} // namespace

TEST_F(PT, MapQueryUnmap4K) {
    const u64 va = 0x0000700012345000ull;
    ASSERT_TRUE(ops.map(root, va, 0x7000, pte::WRITE | pte::NX, PageSize::Size4K).is_ok());
    EXPECT_EQ(mem.live, 4); // root + PDPT + PD + PT
    auto m = ops.query(root, va + 0xabc);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m.value().phys, 0x7000u);
    EXPECT_EQ(m.value().size, PageSize::Size4K);
    EXPECT_TRUE(m.value().flags & pte::WRITE);
    EXPECT_TRUE(m.value().flags & pte::NX);
    EXPECT_FALSE(ops.query(root, va + 0x1000).has_value());
    auto un = ops.unmap(root, va);
    ASSERT_TRUE(un.is_ok());
    EXPECT_EQ(un.value().phys, 0x7000u);
    EXPECT_FALSE(ops.query(root, va).has_value());
    EXPECT_EQ(mem.live, 1); // empty intermediate tables were freed
}

TEST_F(PT, RejectsBadArgumentsAndDoubleMaps) {
    EXPECT_EQ(ops.map(root, 0x1001, 0x2000, 0, PageSize::Size4K).error(),
              klib::Error::InvalidArgument);
    EXPECT_EQ(ops.map(root, 0x1000, 0x2001, 0, PageSize::Size4K).error(),
              klib::Error::InvalidArgument);
    EXPECT_EQ(ops.map(root, 0x0000800000000000ull, 0x2000, 0, PageSize::Size4K).error(),
              klib::Error::InvalidArgument); // non-canonical
    EXPECT_EQ(ops.map(root, 0x200000, 0x1000, 0, PageSize::Size2M).error(),
              klib::Error::InvalidArgument);
    ASSERT_TRUE(ops.map(root, 0x200000, 0x400000, 0, PageSize::Size2M).is_ok());
    EXPECT_EQ(ops.map(root, 0x201000, 0x3000, 0, PageSize::Size4K).error(), klib::Error::Exists);
    EXPECT_EQ(ops.map(root, 0x200000, 0x600000, 0, PageSize::Size2M).error(), klib::Error::Exists);
    EXPECT_EQ(ops.unmap(root, 0x201000).error(), klib::Error::InvalidArgument); // inside a 2M page
    EXPECT_EQ(ops.unmap(root, 0x800000).error(), klib::Error::NotFound);
}

TEST_F(PT, HugePagesQueryWithOffsets) {
    ASSERT_TRUE(ops.map(root, 0x40000000, 0x80000000, pte::WRITE, PageSize::Size1G).is_ok());
    auto m = ops.query(root, 0x40000000 + 0x12345678);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m.value().size, PageSize::Size1G);
    EXPECT_EQ(m.value().phys, 0x80000000u);
    EXPECT_FALSE(m.value().flags & pte::HUGE);
}

TEST_F(PT, ProtectChangesFlagsOnly) {
    ASSERT_TRUE(ops.map(root, 0x5000, 0x9000, pte::WRITE, PageSize::Size4K).is_ok());
    ASSERT_TRUE(ops.protect(root, 0x5000, pte::NX).is_ok());
    auto m = ops.query(root, 0x5000);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m.value().phys, 0x9000u);
    EXPECT_FALSE(m.value().flags & pte::WRITE);
    EXPECT_TRUE(m.value().flags & pte::NX);
    EXPECT_EQ(ops.protect(root, 0x6000, 0).error(), klib::Error::NotFound);
}

TEST_F(PT, UserFlagPropagatesToIntermediateEntries) {
    ASSERT_TRUE(ops.map(root, 0x400000, 0xa000, pte::USER | pte::WRITE, PageSize::Size4K).is_ok());
    u64 e = mem.table(root)[0];
    EXPECT_TRUE(e & pte::USER);
}

TEST_F(PT, AllocationFailureLeavesTableConsistent) {
    mem.fail_next = true;
    EXPECT_EQ(ops.map(root, 0x7000, 0x1000, 0, PageSize::Size4K).error(), klib::Error::NoMemory);
    EXPECT_FALSE(ops.query(root, 0x7000).has_value());
    ASSERT_TRUE(ops.map(root, 0x7000, 0x1000, 0, PageSize::Size4K).is_ok());
    EXPECT_TRUE(ops.query(root, 0x7000).has_value());
}

TEST_F(PT, ManyRandomMappingsRoundTrip) {
    FakeMem big(4096);
    PageTableOps<FakeMem> o(big);
    u64 r = big.alloc_table().value();
    srand(3);
    std::vector<std::pair<u64, u64>> maps;
    for (int i = 0; i < 500; ++i) {
        u64 va = (u64(rand()) << 12) & 0x00007ffffffff000ull;
        u64 pa = (u64(rand() % 100000) + 1) << 12;
        if (o.query(r, va).has_value()) {
            continue;
        }
        ASSERT_TRUE(o.map(r, va, pa, pte::WRITE, PageSize::Size4K).is_ok());
        maps.push_back({va, pa});
    }
    for (auto [va, pa] : maps) {
        auto m = o.query(r, va);
        ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m.value().phys, pa);
    }
    for (auto [va, pa] : maps) {
        ASSERT_TRUE(o.unmap(r, va).is_ok());
    }
    EXPECT_EQ(big.live, 1);
}

TEST_F(PT, KernelHalfPdptsSurviveUnmap) {
    const u64 va = 0xffffc00000001000ull;
    ASSERT_TRUE(ops.map(root, va, 0x5000, pte::WRITE, PageSize::Size4K).is_ok());
    const u64 l4e = mem.table(root)[PageTableOps<FakeMem>::index(va, 3)];
    ASSERT_TRUE(ops.unmap(root, va).is_ok());
    // The PT and PD were freed, the PDPT (shared with user spaces) was not.
    EXPECT_EQ(mem.table(root)[PageTableOps<FakeMem>::index(va, 3)], l4e);
    EXPECT_EQ(mem.live, 2); // root + PDPT
}

TEST_F(PT, ReplaceSwapsTheLeafInOneStore) {
    const u64 va = 0x0000000040001000ull;
    ASSERT_TRUE(ops.map(root, va, 0x7000, pte::USER, PageSize::Size4K).is_ok());
    const int tables = mem.live;
    auto old = ops.replace(root, va, 0x9000, pte::USER | pte::WRITE);
    ASSERT_TRUE(old.is_ok());
    EXPECT_EQ(old.value().phys, 0x7000u);
    EXPECT_EQ(old.value().flags & pte::WRITE, 0u);
    auto now = ops.query(root, va);
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(now.value().phys, 0x9000u);
    EXPECT_NE(now.value().flags & pte::WRITE, 0u);
    EXPECT_EQ(mem.live, tables); // no table freed or allocated
    EXPECT_EQ(ops.replace(root, va + 0x1000, 0x9000, pte::USER).error(), klib::Error::NotFound);
    EXPECT_EQ(ops.replace(root, 0x0000100000000000ull, 0x9000, pte::USER).error(),
              klib::Error::NotFound);
    EXPECT_EQ(ops.replace(root, va + 1, 0x9000, pte::USER).error(), klib::Error::InvalidArgument);
}

TEST_F(PT, NextPresentSkipsAbsentSubtrees) {
    const u64 a = 0x0000000000401000ull;
    const u64 b = 0x0000000080000000ull;      // another PDPT entry
    const u64 c = 0x0000010000000000ull + 0x3000; // another PML4 entry
    for (u64 va : {a, b, c}) {
        ASSERT_TRUE(ops.map(root, va, 0x7000, pte::USER, PageSize::Size4K).is_ok());
    }
    EXPECT_EQ(ops.next_present(root, 0x10000, 0x0000800000000000ull).value_or(0), a);
    EXPECT_EQ(ops.next_present(root, a, a + 1).value_or(0), a);
    EXPECT_EQ(ops.next_present(root, a + 0x1000, 0x0000800000000000ull).value_or(0), b);
    EXPECT_EQ(ops.next_present(root, b + 1, 0x0000800000000000ull).value_or(0), b + 1);
    EXPECT_EQ(ops.next_present(root, b + 0x1000, 0x0000800000000000ull).value_or(0), c);
    EXPECT_FALSE(ops.next_present(root, c + 0x1000, 0x0000800000000000ull).has_value());
    EXPECT_FALSE(ops.next_present(root, a + 0x1000, b).has_value()); // end exclusive
}
