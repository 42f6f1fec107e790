#include <gtest/gtest.h>

#include "support.h"
#include <klib/format.h>
#include <klib/string.h>

namespace {

TEST(KlibString, FromAppendCompare) {
    auto s = MUST(klib::String::from("hello"));
    EXPECT_EQ(s.size(), 5u);
    EXPECT_TRUE(s == "hello");
    ASSERT_TRUE(s.try_append(", ").is_ok());
    ASSERT_TRUE(s.try_append('w').is_ok());
    ASSERT_TRUE(s.try_append("orld").is_ok());
    EXPECT_TRUE(s == "hello, world");
    EXPECT_TRUE(s.starts_with("hello"));
    EXPECT_TRUE(s.ends_with("world"));
    EXPECT_TRUE(s.contains(", "));
    EXPECT_EQ(s[7], 'w');
    s[0] = 'H';
    EXPECT_TRUE(s.view().starts_with("Hello"));
    auto c = MUST(s.try_clone());
    EXPECT_TRUE(c == s);
    c.truncate(5);
    EXPECT_TRUE(c == "Hello");
    c.clear();
    EXPECT_TRUE(c.empty());
    EXPECT_TRUE(c == "");
}

TEST(KlibString, AppendSelfAcrossGrowth) {
    auto s = MUST(klib::String::from("ab"));
    for (int i = 0; i < 6; ++i) {
        ASSERT_TRUE(s.try_append(s.view()).is_ok());
    }
    EXPECT_EQ(s.size(), 128u);
    EXPECT_EQ(s[127], 'b');
    EXPECT_EQ(s[64], 'a');
}

TEST(KlibString, MoveSemantics) {
    auto s = MUST(klib::String::from("x"));
    klib::String t = klib::move(s);
    EXPECT_TRUE(t == "x");
    EXPECT_TRUE(s.empty()); // NOLINT(bugprone-use-after-move)
    s = klib::move(t);
    EXPECT_TRUE(s == "x");
}

TEST(KlibString, AllocationFailure) {
    klib_test::fail_next_allocs(1);
    auto r = klib::String::from("abc");
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::NoMemory);
    auto s = MUST(klib::String::from("abc"));
    klib_test::fail_next_allocs(1);
    EXPECT_EQ(s.try_append(klib::StringView("0123456789abcdef0123")).error(),
              klib::Error::NoMemory);
    EXPECT_TRUE(s == "abc");
    EXPECT_EQ(klib_test::live_allocs(), 1);
}

TEST(KlibStringDeath, Bounds) {
    auto s = MUST(klib::String::from("ab"));
    EXPECT_DEATH((void)s[2], "String: index out of bounds");
    EXPECT_DEATH(s.truncate(3), "String: index out of bounds");
}

TEST(KlibFormat, IntoSpan) {
    char buf[32] = {};
    klib::Span<char> out(buf);
    auto n = klib::format_dec(out, 12345);
    ASSERT_TRUE(n.is_ok());
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "12345");
    n = klib::format_dec(out, -42);
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "-42");
    n = klib::format_dec(out, 0u);
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "0");
    n = klib::format_dec(out, static_cast<klib::i64>(-9223372036854775807LL - 1));
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "-9223372036854775808");
    n = klib::format_dec(out, ~klib::u64(0));
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "18446744073709551615");
    n = klib::format_hex(out, 0xdeadbeefu);
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "deadbeef");
    n = klib::format_hex(out, klib::u8(0xa), 4);
    EXPECT_TRUE(klib::StringView::from_raw(buf, n.value()) == "000a");
}

TEST(KlibFormat, TooSmall) {
    char buf[3] = {'x', 'x', 'x'};
    auto r = klib::format_dec(klib::Span<char>(buf), 1234);
    ASSERT_TRUE(r.is_err());
    EXPECT_EQ(r.error(), klib::Error::OutOfRange);
    EXPECT_EQ(buf[0], 'x');
    EXPECT_EQ(klib::format_dec(klib::Span<char>(buf), 123).value(), 3u);
}

TEST(KlibFormat, AppendToString) {
    klib::String s;
    ASSERT_TRUE(klib::append_dec(s, -7).is_ok());
    ASSERT_TRUE(s.try_append(' ').is_ok());
    ASSERT_TRUE(klib::append_hex(s, 0x1000u, 8).is_ok());
    EXPECT_TRUE(s == "-7 0x00001000");
    klib_test::fail_next_allocs(1);
    klib::String e;
    EXPECT_EQ(klib::append_dec(e, 1).error(), klib::Error::NoMemory);
    EXPECT_TRUE(e.empty());
}

} // namespace
