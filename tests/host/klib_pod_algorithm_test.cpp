#include <gtest/gtest.h>

#include <klib/algorithm.h>
#include <klib/pod.h>
#include <klib/vec.h>

struct Header {
    klib::u32 magic;
    klib::u16 version;
    klib::u16 flags;
};
template <>
inline constexpr bool klib::is_pod_safe<Header> = true;

namespace {

enum class Color : klib::u8 { Red };
struct NotOptedIn {
    int x;
};

static_assert(klib::Pod<klib::u32>);
static_assert(klib::Pod<Header>);
static_assert(klib::Pod<klib::Array<klib::u8, 4>>);
static_assert(!klib::Pod<bool>);
static_assert(!klib::Pod<Color>);
static_assert(!klib::Pod<int*>);
static_assert(!klib::Pod<NotOptedIn>);

TEST(KlibPod, RoundTrip) {
    Header h{0x4b45454c, 2, 7};
    auto bytes = klib::as_bytes(h);
    static_assert(bytes.size() == sizeof(Header));
    EXPECT_EQ(bytes[0], 0x4c); // little endian
    auto back = klib::from_bytes<Header>(bytes.span());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->magic, 0x4b45454cu);
    EXPECT_EQ(back->version, 2);
    EXPECT_EQ(back->flags, 7);
}

TEST(KlibPod, TooShort) {
    klib::Array<klib::u8, 3> small{1, 2, 3};
    EXPECT_FALSE(klib::from_bytes<klib::u32>(small.span()).has_value());
    klib::Array<klib::u8, 5> big{1, 0, 0, 0, 9};
    EXPECT_EQ(klib::from_bytes<klib::u32>(big.span()).value(), 1u);
}

TEST(KlibAlgorithm, Basics) {
    EXPECT_EQ(klib::clamp(5, 0, 3), 3);
    EXPECT_EQ(klib::clamp(-1, 0, 3), 0);
    EXPECT_EQ(klib::clamp(2, 0, 3), 2);
    klib::Array<int, 4> a{};
    klib::fill(a.span(), 7);
    EXPECT_EQ(a[3], 7);
    klib::Array<int, 4> b{7, 7, 7, 7};
    EXPECT_TRUE(klib::equal(klib::Span<const int>(a), klib::Span<const int>(b)));
    b[2] = 1;
    EXPECT_FALSE(klib::equal(klib::Span<const int>(a), klib::Span<const int>(b)));
    EXPECT_EQ(klib::find_index(klib::Span<const int>(b), 1).value(), 2u);
    EXPECT_FALSE(klib::contains(klib::Span<const int>(b), 5));
    klib::Array<int, 5> r{1, 2, 3, 4, 5};
    klib::reverse(r.span());
    EXPECT_TRUE((r == klib::Array<int, 5>{5, 4, 3, 2, 1}));
}

TEST(KlibAlgorithm, Sort) {
    for (int n = 0; n < 40; ++n) {
        klib::Vec<int> v;
        unsigned seed = 12345u + static_cast<unsigned>(n);
        for (int i = 0; i < n; ++i) {
            seed = seed * 1103515245u + 12345u;
            ASSERT_TRUE(v.try_push(static_cast<int>(seed >> 16) % 17).is_ok());
        }
        klib::sort(klib::Span<int>(v.span()));
        EXPECT_TRUE(klib::is_sorted(klib::Span<const int>(v.span())));
        EXPECT_EQ(v.size(), static_cast<klib::usize>(n));
    }
    klib::Array<int, 5> d{3, 1, 4, 1, 5};
    klib::sort(d.span(), [](int x, int y) { return x > y; });
    EXPECT_TRUE((d == klib::Array<int, 5>{5, 4, 3, 1, 1}));
}

TEST(KlibAlgorithmDeath, ClampBadRange) {
    EXPECT_DEATH((void)klib::clamp(1, 3, 0), "clamp: empty range");
}

} // namespace
