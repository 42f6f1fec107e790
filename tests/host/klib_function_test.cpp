#include <gtest/gtest.h>

#include "support.h"
#include <klib/box.h>
#include <klib/function.h>

namespace {

int apply(klib::FunctionRef<int(int)> f, int x) {
    return f(x);
}

struct DtorCount {
    static inline int dtors = 0;
    DtorCount() = default;
    DtorCount(const DtorCount&) = default;
    DtorCount(DtorCount&&) noexcept = default;
    ~DtorCount() { ++dtors; }
};

TEST(KlibFunction, MakeAndCall) {
    int base = 10;
    auto f = MUST((klib::Function<int(int)>::make([base](int x) { return base + x; })));
    EXPECT_TRUE(static_cast<bool>(f));
    EXPECT_EQ(f(5), 15);
    auto g = klib::move(f);
    EXPECT_FALSE(static_cast<bool>(f)); // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(g(1), 11);
}

TEST(KlibFunction, MoveOnlyCaptureAndDestroy) {
    DtorCount::dtors = 0;
    {
        auto box = MUST(klib::Box<int>::make(4));
        auto f = MUST((klib::Function<int()>::make([b = klib::move(box)]() { return *b * 2; })));
        EXPECT_EQ(f(), 8);
        auto h = MUST((klib::Function<void()>::make([d = DtorCount()]() { (void)d; })));
        int before = DtorCount::dtors;
        h = klib::Function<void()>();
        EXPECT_EQ(DtorCount::dtors, before + 1);
    }
    EXPECT_EQ(klib_test::live_allocs(), 0);
}

TEST(KlibFunction, AllocationFailure) {
    klib_test::fail_next_allocs(1);
    auto r = klib::Function<int()>::make([] { return 1; });
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::NoMemory);
}

TEST(KlibFunction, Ref) {
    int calls = 0;
    auto lam = [&calls](int x) {
        ++calls;
        return x * 3;
    };
    EXPECT_EQ(apply(lam, 2), 6);
    EXPECT_EQ(apply([](int x) { return x - 1; }, 2), 1);
    const auto clam = [](int x) { return x + 100; };
    EXPECT_EQ(apply(clam, 1), 101);
    EXPECT_EQ(calls, 1);
}

TEST(KlibFunctionDeath, CallEmpty) {
    klib::Function<void()> f;
    EXPECT_DEATH(f(), "Function: call of empty Function");
}

} // namespace
