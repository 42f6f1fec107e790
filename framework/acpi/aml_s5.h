// Finding the \_S5 sleep-type package in a DSDT's AML byte stream.
// Hardware-free (host-tested in tests/host/fw/aml_s5_test.cpp).
//
// The package is declared as
//   NameOp (0x08) [RootChar '\' (0x5c)] "_S5_" PackageOp (0x12) PkgLength
//   NumElements SLP_TYPa SLP_TYPb ...
// with the integers as ZeroOp, OneOp, BytePrefix, WordPrefix or DWordPrefix
// constants. No AML is interpreted: a match must carry the NameOp, so the
// bytes "_S5_" inside some other construct are not taken for it.
#pragma once

#include <klib/types.h>

namespace keel::acpi {

struct S5 {
    u16 slp_typ_a;
    u16 slp_typ_b;
};

namespace aml_detail {
// Decodes an integer constant at d[at..len); returns the bytes consumed, 0 if
// it is not one or runs past the end. SLP_TYP is 3 bits: the value is masked.
inline u32 int_const(const u8* d, u32 len, u32 at, u16& out) {
    if (at >= len) {
        return 0;
    }
    u32 n = 0;
    switch (d[at]) {
    case 0x00: // ZeroOp
        out = 0;
        return 1;
    case 0x01: // OneOp
        out = 1;
        return 1;
    case 0x0a: // BytePrefix
        n = 1;
        break;
    case 0x0b: // WordPrefix
        n = 2;
        break;
    case 0x0c: // DWordPrefix
        n = 4;
        break;
    default:
        return 0;
    }
    if (n > len - at - 1) {
        return 0;
    }
    out = u16(d[at + 1] & 7);
    return 1 + n;
}
} // namespace aml_detail

// Scans d[start..len) for the \_S5 package. Returns true and fills `out`
// (SLP_TYPb = 0 when the package has only one usable element).
inline bool find_s5(const u8* d, u32 len, u32 start, S5& out) {
    for (u32 i = start; i + 5 <= len; ++i) {
        if (d[i] != '_' || d[i + 1] != 'S' || d[i + 2] != '5' || d[i + 3] != '_' ||
            d[i + 4] != 0x12) {
            continue;
        }
        bool named =
            (i >= 1 && d[i - 1] == 0x08) || (i >= 2 && d[i - 1] == '\\' && d[i - 2] == 0x08);
        if (!named) {
            continue;
        }
        u32 j = i + 5;
        if (j >= len) {
            return false;
        }
        j += u32((d[j] >> 6) & 3) + 1; // PkgLength: lead byte + 0..3 more
        j += 1;                        // NumElements
        u16 a = 0, b = 0;
        u32 n = aml_detail::int_const(d, len, j, a);
        if (n == 0) {
            return false;
        }
        if (aml_detail::int_const(d, len, j + n, b) == 0) {
            b = 0;
        }
        out = S5{a, b};
        return true;
    }
    return false;
}

} // namespace keel::acpi
