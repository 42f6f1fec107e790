#include <gtest/gtest.h>

#include <klib/utility.h>

namespace {

static_assert(klib::is_same_v<klib::remove_cvref_t<const int&>, int>);
static_assert(!klib::is_same_v<int, long>);
static_assert(klib::is_integral_v<const unsigned char>);
static_assert(!klib::is_integral_v<int*>);
static_assert(klib::is_signed_v<int> && klib::is_unsigned_v<unsigned>);
static_assert(klib::is_pointer_v<int* const>);
static_assert(klib::is_convertible_v<int*, const int*>);
static_assert(!klib::is_convertible_v<const int*, int*>);
static_assert(klib::max_value<klib::u8> == 255);
static_assert(klib::max_value<klib::i32> == 2147483647);
static_assert(klib::min(3, 4) == 3 && klib::max(3, 4) == 4);
static_assert(sizeof(klib::u64) == 8 && sizeof(klib::usize) == sizeof(void*));

TEST(KlibUtility, SwapExchange) {
    int a = 1, b = 2;
    klib::swap(a, b);
    EXPECT_EQ(a, 2);
    EXPECT_EQ(b, 1);
    int old = klib::exchange(a, 9);
    EXPECT_EQ(old, 2);
    EXPECT_EQ(a, 9);
}

} // namespace
