#include <gtest/gtest.h>

#include "support.h"
#include <klib/arc.h>
#include <klib/atomic.h>
#include <klib/box.h>

#include <thread>
#include <vector>

namespace {

struct Obj {
    static inline int dtors = 0;
    int a;
    int b;
    Obj(int x, int y) : a(x), b(y) {}
    ~Obj() { ++dtors; }
};

TEST(KlibBox, MakeDerefMove) {
    Obj::dtors = 0;
    {
        auto r = klib::Box<Obj>::make(1, 2);
        ASSERT_TRUE(r.is_ok());
        klib::Box<Obj> b = r.release_value();
        EXPECT_TRUE(b.has_value());
        EXPECT_EQ(b->a, 1);
        EXPECT_EQ((*b).b, 2);
        klib::Box<Obj> c = klib::move(b);
        EXPECT_FALSE(b.has_value()); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(c->b, 2);
        auto d = MUST(klib::Box<Obj>::make(3, 4));
        d = klib::move(c);
        EXPECT_EQ(Obj::dtors, 1); // d's old object
        EXPECT_EQ(d->a, 1);
    }
    EXPECT_EQ(Obj::dtors, 2);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibBox, LeakAndFromRaw) {
    auto b = MUST(klib::Box<int>::make(9));
    int* p = b.leak();
    EXPECT_FALSE(b);
    auto again = klib::Box<int>::from_raw(p);
    EXPECT_EQ(*again, 9);
}

TEST(KlibBox, AllocationFailure) {
    Obj::dtors = 0;
    klib_test::fail_next_allocs(1);
    auto r = klib::Box<Obj>::make(1, 2);
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::NoMemory);
    EXPECT_EQ(Obj::dtors, 0); // nothing was constructed
    EXPECT_TRUE(klib::Box<Obj>::make(1, 2).is_ok());
}

TEST(KlibBoxDeath, AccessAfterMove) {
    auto b = MUST(klib::Box<int>::make(1));
    auto c = klib::move(b);
    EXPECT_DEATH((void)*b, "Box: access to empty Box"); // NOLINT(bugprone-use-after-move)
    auto o = MUST(klib::Box<Obj>::make(1, 2));
    auto o2 = klib::move(o);
    EXPECT_DEATH((void)o->a, "Box: access to empty Box"); // NOLINT(bugprone-use-after-move)
}

TEST(KlibArc, CloneAndDestroyOnce) {
    Obj::dtors = 0;
    {
        auto a = MUST(klib::Arc<Obj>::make(5, 6));
        EXPECT_EQ(a.ref_count(), 1u);
        {
            auto b = a.clone();
            auto c = b.clone();
            EXPECT_EQ(a.ref_count(), 3u);
            EXPECT_TRUE(a.ptr_eq(c));
            EXPECT_EQ(c->a, 5);
            EXPECT_EQ(a->b, 6);
        }
        EXPECT_EQ(a.ref_count(), 1u);
        EXPECT_EQ(Obj::dtors, 0);
        auto moved = klib::move(a);
        EXPECT_EQ(moved.ref_count(), 1u);
        EXPECT_EQ(a.ref_count(), 0u); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(Obj::dtors, 0);
    }
    EXPECT_EQ(Obj::dtors, 1);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibArc, MoveAssignDropsOld) {
    Obj::dtors = 0;
    auto a = MUST(klib::Arc<Obj>::make(1, 1));
    auto b = MUST(klib::Arc<Obj>::make(2, 2));
    a = klib::move(b);
    EXPECT_EQ(Obj::dtors, 1);
    EXPECT_EQ(a->a, 2);
}

TEST(KlibArc, ConcurrentCloneDrop) {
    Obj::dtors = 0;
    {
        auto a = MUST(klib::Arc<Obj>::make(0, 0));
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&a] {
                for (int i = 0; i < 10000; ++i) {
                    auto c = a.clone();
                    (void)c;
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        EXPECT_EQ(a.ref_count(), 1u);
    }
    EXPECT_EQ(Obj::dtors, 1);
}

TEST(KlibArc, AllocationFailure) {
    klib_test::fail_next_allocs(1);
    auto r = klib::Arc<int>::make(1);
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::NoMemory);
}

TEST(KlibArcDeath, AccessAfterMove) {
    auto a = MUST(klib::Arc<int>::make(1));
    auto b = klib::move(a);
    EXPECT_DEATH((void)*a, "Arc: access to empty Arc");        // NOLINT(bugprone-use-after-move)
    EXPECT_DEATH((void)a.clone(), "Arc: access to empty Arc"); // NOLINT(bugprone-use-after-move)
}

TEST(KlibAtomic, Operations) {
    klib::Atomic<klib::u32> a{5};
    using klib::MemoryOrder;
    EXPECT_EQ(a.load(MemoryOrder::Acquire), 5u);
    a.store(7, MemoryOrder::Release);
    EXPECT_EQ(a.fetch_add(3, MemoryOrder::AcqRel), 7u);
    EXPECT_EQ(a.fetch_sub(1, MemoryOrder::Relaxed), 10u);
    EXPECT_EQ(a.exchange(1, MemoryOrder::SeqCst), 9u);
    klib::u32 expected = 2;
    EXPECT_FALSE(a.compare_exchange(expected, 3, MemoryOrder::AcqRel, MemoryOrder::Acquire));
    EXPECT_EQ(expected, 1u);
    EXPECT_TRUE(a.compare_exchange(expected, 3, MemoryOrder::AcqRel, MemoryOrder::Acquire));
    EXPECT_EQ(a.load(MemoryOrder::Relaxed), 3u);
    EXPECT_EQ(a.fetch_or(4, MemoryOrder::Relaxed), 3u);
    EXPECT_EQ(a.fetch_and(6, MemoryOrder::Relaxed), 7u);
    EXPECT_EQ(a.fetch_xor(2, MemoryOrder::Relaxed), 6u);
    EXPECT_EQ(a.load(MemoryOrder::Relaxed), 4u);
    klib::Atomic<bool> flag;
    EXPECT_FALSE(flag.load(MemoryOrder::Relaxed));
    EXPECT_FALSE(flag.exchange(true, MemoryOrder::AcqRel));
    EXPECT_TRUE(flag.load(MemoryOrder::Acquire));
    klib::atomic_fence(MemoryOrder::SeqCst);
}

TEST(KlibAtomic, ConcurrentIncrement) {
    klib::Atomic<klib::u64> n{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&n] {
            for (int i = 0; i < 10000; ++i) {
                n.fetch_add(1, klib::MemoryOrder::Relaxed);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(n.load(klib::MemoryOrder::Relaxed), 40000u);
}

} // namespace
