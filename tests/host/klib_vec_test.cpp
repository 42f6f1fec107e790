#include <gtest/gtest.h>

#include "support.h"
#include <klib/vec.h>

namespace {

struct Counted {
    static inline int live = 0;
    int v;
    explicit Counted(int x) : v(x) { ++live; }
    Counted(const Counted& o) : v(o.v) { ++live; }
    Counted(Counted&& o) noexcept : v(o.v) { ++live; }
    Counted& operator=(const Counted&) = default;
    Counted& operator=(Counted&&) = default;
    ~Counted() { --live; }
    bool operator==(const Counted& o) const { return v == o.v; }
};

TEST(KlibVec, PushIndexGrow) {
    klib::Vec<int> v;
    EXPECT_TRUE(v.empty());
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(v.try_push(i).is_ok());
    }
    EXPECT_EQ(v.size(), 100u);
    EXPECT_GE(v.capacity(), 100u);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(v[i], i);
    }
    EXPECT_EQ(v.front(), 0);
    EXPECT_EQ(v.back(), 99);
    EXPECT_EQ(v.at(5), 5);
}

TEST(KlibVec, InsertRemovePop) {
    klib::Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    ASSERT_TRUE(v.try_push(3).is_ok());
    ASSERT_TRUE(v.try_insert(1, 2).is_ok());
    ASSERT_TRUE(v.insert(0, 0).is_ok());
    ASSERT_TRUE(v.try_insert(4, 4).is_ok());
    ASSERT_EQ(v.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(v[i], i);
    }
    EXPECT_EQ(v.remove(0), 0);
    EXPECT_EQ(v.remove(1), 2);
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(v[1], 3);
    EXPECT_EQ(v.pop(), 4);
    auto p = v.try_pop();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*p, 3);
    EXPECT_EQ(v.try_pop().value_or(-1), 1);
    EXPECT_FALSE(v.try_pop().has_value());
}

TEST(KlibVec, LifetimesNoLeaks) {
    Counted::live = 0;
    {
        klib::Vec<Counted> v;
        for (int i = 0; i < 20; ++i) {
            ASSERT_TRUE(v.try_emplace(i).is_ok());
        }
        EXPECT_EQ(Counted::live, 20);
        (void)v.remove(3);
        EXPECT_EQ(Counted::live, 19);
        v.truncate(10);
        EXPECT_EQ(Counted::live, 10);
        auto c = v.try_clone();
        ASSERT_TRUE(c.is_ok());
        EXPECT_TRUE(c.value() == v);
        EXPECT_EQ(Counted::live, 20);
        v.clear();
        EXPECT_EQ(Counted::live, 10);
        EXPECT_TRUE(v.empty());
    }
    EXPECT_EQ(Counted::live, 0);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibVec, PushOwnElementWhileGrowing) {
    klib::Vec<Counted> v;
    ASSERT_TRUE(v.try_emplace(7).is_ok());
    while (v.size() < v.capacity()) {
        ASSERT_TRUE(v.try_emplace(1).is_ok());
    }
    // Full: the next emplace reallocates; the argument aliases element 0.
    ASSERT_TRUE(v.try_emplace(v[0]).is_ok());
    EXPECT_EQ(v.back().v, 7);
}

TEST(KlibVec, MoveAndWithCapacity) {
    auto r = klib::Vec<int>::with_capacity(10);
    ASSERT_TRUE(r.is_ok());
    klib::Vec<int> v = r.release_value();
    EXPECT_GE(v.capacity(), 10u);
    ASSERT_TRUE(v.try_push(5).is_ok());
    klib::Vec<int> w = klib::move(v);
    EXPECT_EQ(w.size(), 1u);
    EXPECT_EQ(v.size(), 0u); // NOLINT(bugprone-use-after-move): moved-from is empty
    v = klib::move(w);
    EXPECT_EQ(v[0], 5);
}

TEST(KlibVec, AllocationFailureLeavesVecUnchanged) {
    klib::Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    while (v.size() < v.capacity()) {
        ASSERT_TRUE(v.try_push(2).is_ok());
    }
    usize size = v.size();
    usize cap = v.capacity();
    klib_test::fail_next_allocs(1);
    auto r = v.try_push(3);
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::NoMemory);
    EXPECT_EQ(v.size(), size);
    EXPECT_EQ(v.capacity(), cap);
    EXPECT_EQ(v[0], 1);
    klib_test::fail_next_allocs(1);
    EXPECT_EQ(v.try_reserve(cap * 4).error(), klib::Error::NoMemory);
    EXPECT_EQ(v.capacity(), cap);
    klib_test::fail_next_allocs(1);
    EXPECT_EQ(v.try_insert(0, 9).error(), klib::Error::NoMemory);
    EXPECT_EQ(v[0], 1);
    EXPECT_EQ(v.size(), size);
    klib_test::fail_next_allocs(1);
    EXPECT_EQ(klib::Vec<int>::with_capacity(3).error(), klib::Error::NoMemory);
    // A huge reservation overflows size * sizeof(T) and fails cleanly.
    EXPECT_EQ(v.try_reserve(~klib::usize(0) / 2).error(), klib::Error::NoMemory);
    ASSERT_TRUE(v.try_push(3).is_ok());
}

TEST(KlibVec, BorrowsAndIteration) {
    klib::Vec<int> v;
    for (int i = 1; i <= 4; ++i) {
        ASSERT_TRUE(v.try_push(i).is_ok());
    }
    int sum = 0;
    for (int& x : v) {
        EXPECT_EQ(v.borrow_count(), 2u); // begin and end iterators
        sum += x;
        x *= 10;
    }
    EXPECT_EQ(sum, 10);
    EXPECT_EQ(v.borrow_count(), 0u);
    EXPECT_EQ(v[3], 40);
    {
        auto b = v.borrow();
        EXPECT_EQ(v.borrow_count(), 1u);
        EXPECT_EQ(b.size(), 4u);
        EXPECT_EQ(b[0], 10);
        auto b2 = b;
        EXPECT_EQ(v.borrow_count(), 2u);
        auto b3 = klib::move(b2);
        EXPECT_EQ(v.borrow_count(), 2u);
        klib::Span<const int> s = b;
        EXPECT_EQ(s[1], 20);
    }
    EXPECT_EQ(v.borrow_count(), 0u);
    const klib::Vec<int>& cv = v;
    int csum = 0;
    for (const int& x : cv) {
        csum += x;
    }
    EXPECT_EQ(csum, 100);
    auto total = [](klib::Span<const int> s) {
        int t = 0;
        for (int x : s) {
            t += x;
        }
        return t;
    };
    EXPECT_EQ(total(v.span()), 100);
    EXPECT_EQ(v.borrow_count(), 0u);
    ASSERT_TRUE(v.try_push(5).is_ok()); // allowed again
}

TEST(KlibVecDeath, Bounds) {
    klib::Vec<int> v;
    EXPECT_DEATH((void)v[0], "Vec: index out of bounds");
    EXPECT_DEATH((void)v.back(), "Vec: index out of bounds");
    EXPECT_DEATH((void)v.pop(), "Vec: pop on empty");
    EXPECT_DEATH((void)v.remove(0), "Vec: index out of bounds");
    EXPECT_DEATH((void)v.try_insert(1, 1), "Vec: index out of bounds");
}

TEST(KlibVecDeath, MutationDuringIteration) {
    klib::Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    EXPECT_DEATH(
        {
            for (int x : v) {
                (void)v.try_push(x);
            }
        },
        "Vec: mutation while borrowed");
    EXPECT_DEATH(
        {
            for (int x : v) {
                (void)x;
                v.clear();
            }
        },
        "Vec: mutation while borrowed");
}

TEST(KlibVecDeath, MutationWhileBorrowed) {
    klib::Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    EXPECT_DEATH(
        {
            auto b = v.borrow();
            (void)v.pop();
        },
        "Vec: mutation while borrowed");
    EXPECT_DEATH(
        {
            auto b = v.span();
            (void)v.try_reserve(100);
        },
        "Vec: mutation while borrowed");
    EXPECT_DEATH(
        {
            auto b = v.borrow();
            klib::Vec<int> w = klib::move(v);
        },
        "Vec: mutation while borrowed");
    EXPECT_DEATH(
        {
            auto b = v.borrow();
            v = klib::Vec<int>();
        },
        "Vec: mutation while borrowed");
    EXPECT_DEATH(
        {
            auto it = v.begin();
            (void)v.remove(0);
        },
        "Vec: mutation while borrowed");
}

TEST(KlibVecDeath, DestroyedWhileBorrowed) {
    EXPECT_DEATH(
        {
            alignas(klib::Vec<int>) unsigned char storage[sizeof(klib::Vec<int>)];
            auto* v = ::new (storage) klib::Vec<int>();
            auto b = v->borrow();
            v->~Vec();
        },
        "Vec: destroyed while borrowed");
}

TEST(KlibVecDeath, IteratorPastEnd) {
    klib::Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    EXPECT_DEATH(
        {
            auto it = v.begin();
            ++it;
            (void)*it;
        },
        "iterator: dereference out of range");
}

} // namespace
