// Host tests for the framework's buddy allocator (framework/mm/buddy.cpp).
#include "mm/buddy.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

using keel::mm::BuddyAllocator;
using keel::mm::FrameMeta;
using keel::mm::FrameUse;
using keel::mm::MAX_ORDER;

namespace {

struct Fixture {
    explicit Fixture(u64 n) : meta(n) { b.init(meta.data(), n); }
    std::vector<FrameMeta> meta;
    BuddyAllocator b;
};

} // namespace

TEST(Buddy, StartsEmptyAndAddsRanges) {
    Fixture f(4096);
    EXPECT_EQ(f.b.free_frames(), 0u);
    EXPECT_FALSE(f.b.alloc(0, FrameUse::Untyped).has_value());
    f.b.add_free_range(0, 4096);
    EXPECT_EQ(f.b.free_frames(), 4096u);
    EXPECT_TRUE(f.b.check_invariants());
    // Adding again is idempotent (frames are no longer Reserved).
    f.b.add_free_range(0, 4096);
    EXPECT_EQ(f.b.free_frames(), 4096u);
}

TEST(Buddy, BlocksAreAlignedAndDisjoint) {
    Fixture f(8192);
    f.b.add_free_range(3, 8000); // unaligned start
    std::vector<std::pair<u64, u32>> got;
    for (u32 o = 0; o <= MAX_ORDER; ++o) {
        auto p = f.b.alloc(o, FrameUse::Untyped);
        ASSERT_TRUE(p.has_value()) << "order " << o;
        EXPECT_EQ(p.value() % (1ull << o), 0u);
        got.push_back({p.value(), o});
    }
    for (size_t i = 0; i < got.size(); ++i) {
        for (size_t j = i + 1; j < got.size(); ++j) {
            u64 a0 = got[i].first, a1 = a0 + (1ull << got[i].second);
            u64 b0 = got[j].first, b1 = b0 + (1ull << got[j].second);
            EXPECT_TRUE(a1 <= b0 || b1 <= a0);
        }
        EXPECT_GE(got[i].first, 3u);
        EXPECT_LE(got[i].first + (1ull << got[i].second), 8003u);
    }
    EXPECT_TRUE(f.b.check_invariants());
}

TEST(Buddy, FreeingEverythingMergesBackToMaxOrderBlocks) {
    Fixture f(1u << (MAX_ORDER + 2));
    f.b.add_free_range(0, 1u << (MAX_ORDER + 2));
    std::vector<u64> singles;
    while (auto p = f.b.alloc(0, FrameUse::Untyped)) {
        singles.push_back(p.value());
    }
    EXPECT_EQ(singles.size(), 1u << (MAX_ORDER + 2));
    EXPECT_EQ(f.b.free_frames(), 0u);
    std::shuffle(singles.begin(), singles.end(), std::mt19937(42));
    for (u64 p : singles) {
        ASSERT_TRUE(f.b.free(p, 0));
    }
    EXPECT_TRUE(f.b.check_invariants());
    // Fully merged: four max-order blocks are available again.
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(f.b.alloc(MAX_ORDER, FrameUse::Untyped).has_value());
    }
    EXPECT_FALSE(f.b.alloc(0, FrameUse::Untyped).has_value());
}

TEST(Buddy, DoubleFreeAndBadFreesAreRefused) {
    Fixture f(1024);
    f.b.add_free_range(0, 1024);
    auto p = f.b.alloc(2, FrameUse::Untyped);
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(f.b.free(p.value(), 1));     // wrong order
    EXPECT_FALSE(f.b.free(p.value() + 1, 0)); // not a head
    EXPECT_FALSE(f.b.free(5000, 0));          // out of range
    EXPECT_TRUE(f.b.free(p.value(), 2));
    EXPECT_FALSE(f.b.free(p.value(), 2)); // double free
    EXPECT_TRUE(f.b.check_invariants());
    EXPECT_EQ(f.b.free_frames(), 1024u);
}

TEST(Buddy, RandomizedAgainstModel) {
    Fixture f(20000);
    f.b.add_free_range(100, 9000);
    f.b.add_free_range(12000, 7000);
    const u64 total = f.b.free_frames();
    std::mt19937_64 rng(7);
    std::map<u64, u32> live;
    u64 used = 0;
    for (int step = 0; step < 20000; ++step) {
        if (!live.empty() && (rng() % 3 == 0)) {
            auto it = live.begin();
            std::advance(it, rng() % live.size());
            ASSERT_TRUE(f.b.free(it->first, it->second));
            used -= 1ull << it->second;
            live.erase(it);
        } else {
            u32 o = rng() % 6;
            auto p = f.b.alloc(o, FrameUse::Heap);
            if (!p.has_value()) {
                continue;
            }
            ASSERT_EQ(f.meta[p.value()].use, FrameUse::Heap);
            // No overlap with any live block.
            auto next = live.lower_bound(p.value());
            if (next != live.end()) {
                ASSERT_GE(next->first, p.value() + (1ull << o));
            }
            if (next != live.begin()) {
                auto prev = std::prev(next);
                ASSERT_LE(prev->first + (1ull << prev->second), p.value());
            }
            live[p.value()] = o;
            used += 1ull << o;
        }
        ASSERT_EQ(f.b.free_frames() + used, total);
        if (step % 1000 == 0) {
            ASSERT_TRUE(f.b.check_invariants());
        }
    }
    for (auto [p, o] : live) {
        ASSERT_TRUE(f.b.free(p, o));
    }
    EXPECT_EQ(f.b.free_frames(), total);
    EXPECT_TRUE(f.b.check_invariants());
}
