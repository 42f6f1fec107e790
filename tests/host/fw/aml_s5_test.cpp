// Host tests for the \_S5 finder (framework/acpi/aml_s5.h). Every buffer is
// heap-allocated at its exact size, so ASan catches any read past the end.
#include "acpi/aml_s5.h"

#include <gtest/gtest.h>

#include <vector>

using namespace keel::acpi;

namespace {

bool find(std::vector<u8> d, S5& out) {
    auto* buf = new u8[d.size()];
    std::copy(d.begin(), d.end(), buf);
    bool r = find_s5(buf, u32(d.size()), 0, out);
    delete[] buf;
    return r;
}

#define S5_NAME '_', 'S', '5', '_'

} // namespace

TEST(AmlS5, QemuFormWithRootPrefix) {
    // QEMU's build_dsdt: aml_name_decl("\\_S5", Package(4) {0, 0, 0, 0}).
    S5 s{9, 9};
    ASSERT_TRUE(find({0x10, 0x08, '\\', S5_NAME, 0x12, 0x06, 0x04, 0, 0, 0, 0}, s));
    EXPECT_EQ(s.slp_typ_a, 0);
    EXPECT_EQ(s.slp_typ_b, 0);
}

TEST(AmlS5, BytePrefixWordPrefixDWordPrefix) {
    S5 s{};
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0x0a, 0x04, 0x0a, 0x05, 0x0a, 0x06, 0, 0}, s));
    EXPECT_EQ(s.slp_typ_a, 5);
    EXPECT_EQ(s.slp_typ_b, 6);
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0x0a, 0x02, 0x0b, 0x03, 0x00, 0x0c, 4, 0, 0, 0}, s));
    EXPECT_EQ(s.slp_typ_a, 3);
    EXPECT_EQ(s.slp_typ_b, 4);
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0x05, 0x02, 0x01, 0xff}, s));
    EXPECT_EQ(s.slp_typ_a, 1);
    EXPECT_EQ(s.slp_typ_b, 0); // not an integer: treated as absent
}

TEST(AmlS5, MultiBytePkgLength) {
    S5 s{};
    // PkgLength with one extra byte (lead 0x4N) and with three (0xcN).
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0x41, 0x00, 0x02, 0x0a, 0x07, 0x01}, s));
    EXPECT_EQ(s.slp_typ_a, 7);
    EXPECT_EQ(s.slp_typ_b, 1);
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0xc1, 0, 0, 0, 0x02, 0x01, 0x00}, s));
    EXPECT_EQ(s.slp_typ_a, 1);
}

TEST(AmlS5, ValuesAreMaskedToThreeBits) {
    S5 s{};
    ASSERT_TRUE(find({0x08, S5_NAME, 0x12, 0x06, 0x02, 0x0b, 0xff, 0xff, 0x0a, 0x0d}, s));
    EXPECT_EQ(s.slp_typ_a, 7);
    EXPECT_EQ(s.slp_typ_b, 5);
}

TEST(AmlS5, BytesWithoutNameOpAreNotTheDeclaration) {
    S5 s{};
    // Store (Package {...}, _S5_) style bytes, then the real declaration.
    ASSERT_TRUE(find({0x70, S5_NAME, 0x12, 0x0a, 0x01, 0x0a, 0x03, 0x08, S5_NAME, 0x12, 0x04, 0x02,
                      0x0a, 0x05, 0x00},
                     s));
    EXPECT_EQ(s.slp_typ_a, 5);
    EXPECT_FALSE(find({0x70, S5_NAME, 0x12, 0x04, 0x02, 0x00, 0x00}, s));
}

TEST(AmlS5, TruncatedPackagesAreRejectedWithoutOverread) {
    S5 s{};
    EXPECT_FALSE(find({0x08, S5_NAME, 0x12}, s));
    EXPECT_FALSE(find({0x08, S5_NAME, 0x12, 0x06}, s));
    EXPECT_FALSE(find({0x08, S5_NAME, 0x12, 0xc6, 0, 0}, s));
    EXPECT_FALSE(find({0x08, S5_NAME, 0x12, 0x06, 0x04, 0x0a}, s));
    EXPECT_FALSE(find({0x08, S5_NAME, 0x12, 0x06, 0x04, 0x0c, 1, 2, 3}, s));
    EXPECT_FALSE(find({S5_NAME}, s));
}
