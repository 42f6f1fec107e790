#include <gtest/gtest.h>

#include <klib/optional.h>

namespace {

// Counts live instances so tests can check construction/destruction balance.
struct Tracked {
    static inline int live = 0;
    static inline int dtors = 0;
    int v;
    explicit Tracked(int x) : v(x) { ++live; }
    Tracked(const Tracked& o) : v(o.v) { ++live; }
    Tracked(Tracked&& o) noexcept : v(o.v) {
        o.v = -1;
        ++live;
    }
    Tracked& operator=(const Tracked&) = default;
    ~Tracked() {
        --live;
        ++dtors;
    }
};

TEST(KlibOptional, EmptyAndValue) {
    klib::Optional<int> o;
    EXPECT_FALSE(o.has_value());
    EXPECT_FALSE(o);
    EXPECT_EQ(o.value_or(5), 5);
    o = 3;
    EXPECT_TRUE(o.has_value());
    EXPECT_EQ(*o, 3);
    EXPECT_EQ(o.value(), 3);
    EXPECT_EQ(o.value_or(5), 3);
    o = klib::none;
    EXPECT_FALSE(o.has_value());
    klib::Optional<int> n = klib::none;
    EXPECT_TRUE(n == klib::none);
    EXPECT_TRUE(o == n);
    n = 4;
    EXPECT_FALSE(o == n);
}

TEST(KlibOptional, NonTrivialLifetimes) {
    Tracked::live = 0;
    {
        klib::Optional<Tracked> o;
        EXPECT_EQ(Tracked::live, 0);
        o.emplace(5);
        EXPECT_EQ(Tracked::live, 1);
        EXPECT_EQ(o->v, 5);
        o.emplace(6);
        EXPECT_EQ(Tracked::live, 1);
        klib::Optional<Tracked> copy = o;
        EXPECT_EQ(Tracked::live, 2);
        klib::Optional<Tracked> moved = klib::move(o);
        EXPECT_EQ(moved->v, 6);
        EXPECT_EQ(Tracked::live, 3); // moved-from Optional still holds a value
        moved.reset();
        EXPECT_EQ(Tracked::live, 2);
        Tracked t = copy.release_value();
        EXPECT_FALSE(copy.has_value());
        EXPECT_EQ(t.v, 6);
    }
    EXPECT_EQ(Tracked::live, 0);
}

TEST(KlibOptional, Assignments) {
    Tracked::live = 0;
    {
        klib::Optional<Tracked> a(Tracked(1));
        klib::Optional<Tracked> b;
        b = a;
        EXPECT_EQ(b->v, 1);
        a = klib::none;
        a = klib::move(b);
        EXPECT_EQ(a->v, 1);
        auto& alias = a;
        a = alias; // self-assignment keeps the value
        EXPECT_EQ(a->v, 1);
    }
    EXPECT_EQ(Tracked::live, 0);
}

TEST(KlibOptional, Constexpr) {
    constexpr klib::Optional<int> o = 7;
    static_assert(o.has_value() && *o == 7);
    constexpr klib::Optional<int> e;
    static_assert(!e.has_value() && e.value_or(2) == 2);
}

TEST(KlibOptionalDeath, AccessEmpty) {
    klib::Optional<int> o;
    EXPECT_DEATH((void)o.value(), "Optional: access to empty");
    EXPECT_DEATH((void)*o, "Optional: access to empty");
    klib::Optional<Tracked> t;
    EXPECT_DEATH((void)t->v, "Optional: access to empty");
    EXPECT_DEATH((void)t.release_value(), "Optional: access to empty");
}

} // namespace
