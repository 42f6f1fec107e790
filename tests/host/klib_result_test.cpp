#include <gtest/gtest.h>

#include <klib/result.h>

namespace {

using klib::Err;
using klib::Error;
using klib::Result;

Result<int> half(int x) {
    if (x % 2 != 0) {
        return Error::InvalidArgument;
    }
    return x / 2;
}

Result<void> check_positive(int x) {
    if (x <= 0) {
        return Err(Error::OutOfRange);
    }
    return {};
}

Result<int> quarter_positive(int x) {
    TRY(check_positive(x));
    int h = TRY(half(x));
    int q = TRY(half(h));
    return q;
}

Result<void> void_chain(int x) {
    TRY(check_positive(x));
    (void)TRY(half(x));
    return klib::ok();
}

struct MoveOnly {
    int v;
    explicit MoveOnly(int x) : v(x) {}
    MoveOnly(MoveOnly&& o) noexcept : v(o.v) { o.v = 0; }
    MoveOnly& operator=(MoveOnly&&) = default;
    MoveOnly(const MoveOnly&) = delete;
};

Result<MoveOnly> make_move_only(bool ok) {
    if (!ok) {
        return Error::NoMemory;
    }
    return MoveOnly(42);
}

Result<int> use_move_only(bool ok) {
    MoveOnly m = TRY(make_move_only(ok));
    return m.v;
}

TEST(KlibResult, OkAndErr) {
    auto a = half(4);
    ASSERT_TRUE(a.is_ok());
    EXPECT_FALSE(a.is_err());
    EXPECT_EQ(a.value(), 2);
    EXPECT_EQ(*a, 2);
    auto b = half(3);
    ASSERT_TRUE(b.is_err());
    EXPECT_EQ(b.error(), Error::InvalidArgument);
    EXPECT_EQ(klib::move(b).value_or(-1), -1);
}

TEST(KlibResult, TryPropagates) {
    EXPECT_EQ(quarter_positive(8).value(), 2);
    EXPECT_EQ(quarter_positive(6).error(), Error::InvalidArgument);
    EXPECT_EQ(quarter_positive(-4).error(), Error::OutOfRange);
    EXPECT_TRUE(void_chain(2).is_ok());
    EXPECT_EQ(void_chain(3).error(), Error::InvalidArgument);
    EXPECT_EQ(void_chain(0).error(), Error::OutOfRange);
    EXPECT_EQ(use_move_only(true).value(), 42);
    EXPECT_EQ(use_move_only(false).error(), Error::NoMemory);
}

TEST(KlibResult, Must) {
    int v = MUST(half(10));
    EXPECT_EQ(v, 5);
    MUST(check_positive(1));
}

TEST(KlibResult, MoveAssign) {
    auto r = make_move_only(true);
    r = make_move_only(false);
    EXPECT_TRUE(r.is_err());
    r = make_move_only(true);
    EXPECT_EQ(r->v, 42);
    MoveOnly m = r.release_value();
    EXPECT_EQ(m.v, 42);
}

TEST(KlibResult, ErrorNames) {
    EXPECT_TRUE(klib::error_name(Error::NoMemory) == "NoMemory");
    EXPECT_TRUE(klib::error_name(Error::WouldBlock) == "WouldBlock");
    EXPECT_TRUE(klib::error_name(static_cast<Error>(9999)) == "Unknown");
}

TEST(KlibResultDeath, WrongSide) {
    auto b = half(3);
    EXPECT_DEATH((void)b.value(), "Result: value\\(\\) on error");
    auto a = half(2);
    EXPECT_DEATH((void)a.error(), "Result: error\\(\\) on success");
    EXPECT_DEATH((void)MUST(half(1)), "MUST: expression failed");
    EXPECT_DEATH(MUST(check_positive(0)), "MUST: expression failed");
}

} // namespace

// Issue 11: TRY / KLIB_TRY_MAP leave a half-evaluated full-expression by
// `return`. The objects already built (aggregate members, arguments,
// init-captures) must be destroyed exactly once and the others never:
// counted here, and checked by ASan (double free, free of garbage) and
// LeakSanitizer (missed destruction) in the host build.
#include <klib/box.h>

namespace {

struct Tracked {
    static inline int live = 0;
    klib::Box<int> b;
    explicit Tracked(int v) : b(klib::Box<int>::make(v).value()) { ++live; }
    Tracked(Tracked&& o) noexcept : b(klib::move(o.b)) { ++live; }
    Tracked(const Tracked&) = delete;
    ~Tracked() { --live; }
};

Result<Tracked> tracked(int v) {
    return Tracked(v);
}
Result<int> fails() {
    return Error::NoMemory;
}

struct Three {
    Tracked a;
    int mid;
    Tracked c;
};

int sum3(Tracked a, int b, Tracked c) {
    return *a.b + b + *c.b;
}

Result<int> try_in_aggregate() {
    Three t{TRY(tracked(1)), TRY(fails()), TRY(tracked(3))};
    return *t.a.b;
}
Result<int> try_in_arguments() {
    return sum3(TRY(tracked(1)), TRY(fails()), TRY(tracked(3)));
}
Result<int> try_in_capture() {
    auto l = [a = TRY(tracked(1)), c = TRY(fails())] { return *a.b + c; };
    return l();
}
enum class Code { Mapped = 7 };
Code map_error(Error) {
    return Code::Mapped;
}
Result<int, Code> try_map_in_aggregate() {
    Three t{KLIB_TRY_MAP(tracked(1), map_error), KLIB_TRY_MAP(fails(), map_error),
            KLIB_TRY_MAP(tracked(3), map_error)};
    return *t.a.b;
}

TEST(KlibResult, TryLeavesHalfBuiltExpressionsClean) {
    Tracked::live = 0;
    EXPECT_TRUE(try_in_aggregate().is_err());
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_TRUE(try_in_arguments().is_err());
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_TRUE(try_in_capture().is_err());
    EXPECT_EQ(Tracked::live, 0);
    auto m = try_map_in_aggregate();
    ASSERT_TRUE(m.is_err());
    EXPECT_EQ(m.error(), Code::Mapped);
    EXPECT_EQ(Tracked::live, 0);
}

} // namespace
