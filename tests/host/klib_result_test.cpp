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
