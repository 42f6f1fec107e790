// Polymorphism in klib: Box/Arc upcasts (only to bases with a virtual
// destructor), destruction and freeing as the most-derived type (the host
// raw_free checks size and alignment against raw_alloc), and the refusals.
#include <gtest/gtest.h>

#include "support.h"
#include <klib/arc.h>
#include <klib/box.h>
#include <klib/optional.h>
#include <klib/downcast.h>

#include <type_traits>

namespace {

int g_base_dtors = 0;
int g_derived_dtors = 0;

class Shape {
public:
    virtual ~Shape() { ++g_base_dtors; }
    virtual int area() const = 0;
    KLIB_DYN_BASE(Shape)
};

// Larger and more aligned than Shape: freeing with sizeof(Shape) would be
// caught by the host raw_free.
class Rect : public Shape {
public:
    Rect(int w, int h) : w_(w), h_(h) {}
    ~Rect() override { ++g_derived_dtors; }
    int area() const override { return w_ * h_ + int(pad_[0]); }
    KLIB_DYN_TYPE(Rect)

private:
    alignas(32) long pad_[5] = {};
    int w_;
    int h_;
};

class Square final : public Rect {
public:
    explicit Square(int s) : Rect(s, s) {}
    KLIB_DYN_TYPE(Square)
};

// A second polymorphic base at a non-zero offset: the upcast adjusts the
// pointer, the disposer still frees the complete object.
class Named {
public:
    virtual ~Named() = default;
    virtual int id() const = 0;
};
class Both : public Rect, public Named {
public:
    Both() : Rect(2, 3) {}
    int id() const override { return 42; }
};

struct NoVirtualDtor {
    int x = 0;
};
struct DerivedNoVirtual : NoVirtualDtor {
    int y = 1;
};

void reset() {
    g_base_dtors = 0;
    g_derived_dtors = 0;
}

TEST(KlibPoly, BoxUpcastDestroysAsDerived) {
    reset();
    {
        klib::Box<Rect> r = MUST(klib::Box<Rect>::make(3, 4));
        klib::Box<Shape> s = klib::move(r);
        EXPECT_FALSE(r.has_value()); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(s->area(), 12);
    }
    EXPECT_EQ(g_derived_dtors, 1);
    EXPECT_EQ(g_base_dtors, 1);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, BoxUpcastTwiceAndAssign) {
    reset();
    {
        klib::Box<Square> sq = MUST(klib::Box<Square>::make(5));
        klib::Box<Rect> r = klib::move(sq);
        klib::Box<Shape> s = klib::move(r);
        EXPECT_EQ(s->area(), 25);
        s = MUST(klib::Box<Rect>::make(1, 2)); // frees the Square as a Square
        EXPECT_EQ(g_derived_dtors, 1);
        EXPECT_EQ(s->area(), 2);
    }
    EXPECT_EQ(g_derived_dtors, 2);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, BoxUpcastToSecondBaseAdjustsAndFreesWhole) {
    reset();
    {
        klib::Box<Both> b = MUST(klib::Box<Both>::make());
        klib::Box<Named> n = klib::move(b);
        EXPECT_EQ(n->id(), 42);
    }
    EXPECT_EQ(g_derived_dtors, 1);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, ArcUpcastSharesCountAndDestroysOnce) {
    reset();
    {
        klib::Arc<Rect> r = MUST(klib::Arc<Rect>::make(2, 5));
        klib::Arc<Shape> s = r.clone_as<Shape>();
        EXPECT_EQ(r.ref_count(), 2u);
        EXPECT_TRUE(s.ptr_eq(r));
        EXPECT_EQ(s->area(), 10);
        klib::Arc<Shape> t = klib::move(r);
        EXPECT_EQ(t.ref_count(), 2u);
        s = klib::Arc<Shape>(MUST(klib::Arc<Square>::make(3)));
        EXPECT_EQ(g_derived_dtors, 0); // t still owns the Rect
        EXPECT_EQ(s->area(), 9);
    }
    EXPECT_EQ(g_derived_dtors, 2);
    EXPECT_EQ(g_base_dtors, 2);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, ArcUpcastToSecondBase) {
    reset();
    {
        klib::Arc<Both> b = MUST(klib::Arc<Both>::make());
        klib::Arc<Named> n = b.clone_as<Named>();
        klib::Arc<Shape> s = klib::move(b);
        EXPECT_EQ(n->id(), 42);
        EXPECT_EQ(s->area(), 6);
        EXPECT_TRUE(n.ptr_eq(s));
    }
    EXPECT_EQ(g_derived_dtors, 1);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, UpcastNeedsAVirtualDestructor) {
    // Box<Base>/Arc<Base> from a derived type only when Base's destructor is
    // virtual; never a downcast; never between unrelated types.
    static_assert(std::is_convertible_v<klib::Box<Rect>&&, klib::Box<Shape>>);
    static_assert(std::is_convertible_v<klib::Arc<Rect>&&, klib::Arc<Shape>>);
    static_assert(!std::is_convertible_v<klib::Box<DerivedNoVirtual>&&, klib::Box<NoVirtualDtor>>);
    static_assert(!std::is_convertible_v<klib::Arc<DerivedNoVirtual>&&, klib::Arc<NoVirtualDtor>>);
    static_assert(!std::is_convertible_v<klib::Box<Shape>&&, klib::Box<Rect>>);
    static_assert(!std::is_convertible_v<klib::Arc<Shape>&&, klib::Arc<Rect>>);
    static_assert(!std::is_convertible_v<klib::Box<Named>&&, klib::Box<Shape>>);
    static_assert(!std::is_constructible_v<klib::Box<Shape>, klib::Box<Rect>&>); // no copy
    SUCCEED();
}

TEST(KlibPoly, CheckedDowncast) {
    reset();
    {
        klib::Arc<Shape> s = MUST(klib::Arc<Square>::make(4));
        auto sq = klib::downcast<Square>(s);
        ASSERT_TRUE(sq.has_value());
        EXPECT_EQ(sq.value()->area(), 16);
        EXPECT_EQ(s.ref_count(), 2u);
        // Only the exact dynamic type matches (a Square is not a Rect here:
        // the tag names the most-derived class).
        EXPECT_FALSE(klib::downcast<Rect>(s).has_value());
        klib::Arc<Shape> r = MUST(klib::Arc<Rect>::make(1, 1));
        EXPECT_FALSE(klib::downcast<Square>(r).has_value());
        EXPECT_TRUE(klib::downcast<Rect>(r).has_value());
        const Shape& ref = *r;
        auto rr = klib::downcast_ref<Rect>(ref, [](const Rect& x) { return x.area() + 1; });
        ASSERT_TRUE(rr.has_value());
        EXPECT_EQ(rr.value(), 2);
        EXPECT_FALSE(klib::downcast_ref<Square>(ref, [](const Square&) { return 0; }).has_value());
    }
    EXPECT_EQ(g_derived_dtors, 2);
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibPoly, UpcastFailureInjectionLeavesNothing) {
    klib_test::fail_next_allocs(1);
    auto r = klib::Arc<Rect>::make(1, 1);
    EXPECT_TRUE(r.is_err());
    auto b = klib::Box<Rect>::make(1, 1);
    ASSERT_TRUE(b.is_ok());
    klib::Box<Shape> s = b.release_value();
    EXPECT_EQ(s->area(), 1);
}

} // namespace
