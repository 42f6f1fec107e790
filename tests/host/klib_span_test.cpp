#include <gtest/gtest.h>

#include <klib/array.h>
#include <klib/span.h>
#include <klib/string_view.h>

namespace {

TEST(KlibSpan, FromArrayAndIndex) {
    int raw[4] = {1, 2, 3, 4};
    klib::Span<int> s(raw);
    EXPECT_EQ(s.size(), 4u);
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s[0], 1);
    EXPECT_EQ(s[3], 4);
    s[1] = 20;
    EXPECT_EQ(raw[1], 20);
    EXPECT_EQ(s.front(), 1);
    EXPECT_EQ(s.back(), 4);
    EXPECT_EQ(s.size_bytes(), 4 * sizeof(int));
}

TEST(KlibSpan, DefaultIsEmpty) {
    klib::Span<int> s;
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.begin(), s.end());
}

TEST(KlibSpan, SubspanFirstLast) {
    int raw[5] = {0, 1, 2, 3, 4};
    klib::Span<int> s(raw);
    auto mid = s.subspan(1, 3);
    ASSERT_EQ(mid.size(), 3u);
    EXPECT_EQ(mid[0], 1);
    EXPECT_EQ(mid[2], 3);
    EXPECT_EQ(s.subspan(5).size(), 0u);
    EXPECT_EQ(s.subspan(2).size(), 3u);
    EXPECT_EQ(s.first(2)[1], 1);
    EXPECT_EQ(s.last(2)[0], 3);
    EXPECT_EQ(s.first(0).size(), 0u);
    EXPECT_EQ(s.last(5).size(), 5u);
}

TEST(KlibSpan, RangeForAndConst) {
    klib::Array<int, 3> a{1, 2, 3};
    klib::Span<int> s = a;
    klib::Span<const int> cs = s;
    int sum = 0;
    for (int v : cs) {
        sum += v;
    }
    EXPECT_EQ(sum, 6);
    const klib::Array<int, 3>& ca = a;
    klib::Span<const int> cs2 = ca;
    EXPECT_EQ(cs2[2], 3);
}

TEST(KlibSpan, Copy) {
    int a[3] = {1, 2, 3};
    int b[2] = {0, 0};
    EXPECT_EQ(klib::copy(klib::Span<int>(b), klib::Span<const int>(klib::Span<int>(a))), 2u);
    EXPECT_EQ(b[0], 1);
    EXPECT_EQ(b[1], 2);
}

TEST(KlibSpanDeath, IndexOutOfBounds) {
    int raw[2] = {1, 2};
    klib::Span<int> s(raw);
    EXPECT_DEATH((void)s[2], "Span: index out of bounds");
    klib::Span<int> e;
    EXPECT_DEATH((void)e.back(), "Span: index out of bounds");
}

TEST(KlibSpanDeath, SubspanOutOfBounds) {
    int raw[3] = {1, 2, 3};
    klib::Span<int> s(raw);
    EXPECT_DEATH((void)s.subspan(4), "Span: subspan out of bounds");
    EXPECT_DEATH((void)s.subspan(2, 2), "Span: subspan out of bounds");
    // Overflowing off + len must not wrap around the check.
    EXPECT_DEATH((void)s.subspan(1, ~klib::usize(0)), "Span: subspan out of bounds");
    EXPECT_DEATH((void)s.first(4), "Span: subspan out of bounds");
    EXPECT_DEATH((void)s.last(4), "Span: subspan out of bounds");
}

TEST(KlibArray, Basics) {
    klib::Array<int, 4> a{};
    EXPECT_EQ(a.size(), 4u);
    a.fill(7);
    for (int v : a) {
        EXPECT_EQ(v, 7);
    }
    a[3] = 9;
    EXPECT_EQ(a.back(), 9);
    klib::Array<int, 4> b{7, 7, 7, 9};
    EXPECT_TRUE(a == b);
    b[0] = 1;
    EXPECT_FALSE(a == b);
    klib::Array c{1, 2, 3};
    static_assert(c.size() == 3);
    EXPECT_EQ(c.span().last(1)[0], 3);
    klib::Array<int, 0> z{};
    EXPECT_TRUE(z.empty());
    EXPECT_EQ(z.begin(), z.end());
}

TEST(KlibArray, Constexpr) {
    constexpr klib::Array<int, 3> a{4, 5, 6};
    static_assert(a[1] == 5);
    static_assert(a.size() == 3);
}

TEST(KlibArrayDeath, OutOfBounds) {
    klib::Array<int, 2> a{1, 2};
    EXPECT_DEATH((void)a[2], "Array: index out of bounds");
    klib::Array<int, 0> z{};
    EXPECT_DEATH((void)z[0], "Array: index out of bounds");
}

TEST(KlibStringView, Literal) {
    klib::StringView s = "hello";
    EXPECT_EQ(s.size(), 5u);
    EXPECT_EQ(s[0], 'h');
    EXPECT_TRUE(s == "hello");
    EXPECT_FALSE(s == "hell");
    EXPECT_FALSE(s == "hellO");
    klib::StringView e;
    EXPECT_TRUE(e.empty());
    EXPECT_TRUE(e == "");
}

TEST(KlibStringView, Search) {
    klib::StringView s = "abcabc";
    EXPECT_TRUE(s.starts_with("abc"));
    EXPECT_TRUE(s.ends_with("bc"));
    EXPECT_FALSE(s.starts_with("abcabcd"));
    EXPECT_FALSE(s.ends_with("ab"));
    EXPECT_TRUE(s.starts_with(""));
    EXPECT_TRUE(s.starts_with('a'));
    EXPECT_TRUE(s.ends_with('c'));
    EXPECT_EQ(s.find("bc"), 1u);
    EXPECT_EQ(s.find("bc", 2), 4u);
    EXPECT_EQ(s.find("x"), klib::StringView::npos);
    EXPECT_EQ(s.find("abcabcabc"), klib::StringView::npos);
    EXPECT_EQ(s.find(""), 0u);
    EXPECT_EQ(s.find("", 6), 6u);
    EXPECT_EQ(s.find("", 7), klib::StringView::npos);
    EXPECT_EQ(s.find('c'), 2u);
    EXPECT_EQ(s.find('c', 3), 5u);
    EXPECT_TRUE(s.contains("ca"));
    EXPECT_FALSE(s.contains("cb"));
    EXPECT_TRUE(s.contains('b'));
}

TEST(KlibStringView, Substr) {
    klib::StringView s = "kernel";
    EXPECT_TRUE(s.substr(1, 3) == "ern");
    EXPECT_TRUE(s.substr(3) == "nel");
    EXPECT_TRUE(s.substr(6) == "");
    EXPECT_TRUE(s.substr(2, 100) == "rnel");
}

TEST(KlibStringView, RawFactories) {
    const char buf[] = {'a', 'b', 'c'};
    auto v = klib::StringView::from_raw(buf, 2);
    EXPECT_TRUE(v == "ab");
    auto c = klib::StringView::from_cstr("xyz");
    EXPECT_TRUE(c == "xyz");
    constexpr klib::StringView k = "const";
    static_assert(k.size() == 5);
    static_assert(k.ends_with("st"));
}

TEST(KlibStringViewDeath, Bounds) {
    klib::StringView s = "ab";
    EXPECT_DEATH((void)s[2], "StringView: index out of bounds");
    EXPECT_DEATH((void)s.substr(3), "StringView: substr out of bounds");
}

} // namespace
