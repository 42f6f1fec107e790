// services/lib/bytes.h - checked reads of little-endian integers from
// untrusted byte buffers, and overflow-checked offset arithmetic.
//
// Every parser of on-disk or on-wire formats (gzip, cpio, ELF) reads through
// these helpers: a read outside the buffer is Error::OutOfRange and an
// arithmetic overflow is Error::Overflow, never a trap.
#pragma once

#include <klib/result.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/utility.h>

namespace services::lib {

// True when [off, off + len) lies within a buffer of `size` bytes.
constexpr bool in_bounds(usize size, usize off, usize len) {
    return off <= size && len <= size - off;
}

// a + b, or Error::Overflow.
constexpr klib::Result<u64> checked_add(u64 a, u64 b) {
    if (b > klib::max_value<u64> - a) {
        return klib::Error::Overflow;
    }
    return a + b;
}

// a * b, or Error::Overflow.
constexpr klib::Result<u64> checked_mul(u64 a, u64 b) {
    if (a != 0 && b > klib::max_value<u64> / a) {
        return klib::Error::Overflow;
    }
    return a * b;
}

constexpr bool is_pow2(u64 v) {
    return v != 0 && (v & (v - 1)) == 0;
}

// v rounded up to a multiple of `align` (a power of two), or
// Error::Overflow (Error::InvalidArgument if align is not a power of two).
constexpr klib::Result<u64> align_up(u64 v, u64 align) {
    if (!is_pow2(align)) {
        return klib::Error::InvalidArgument;
    }
    u64 r = TRY(checked_add(v, align - 1));
    return r & ~(align - 1);
}

// The `width` (<= 8) bytes at `off` as a little-endian integer, or
// Error::OutOfRange when they are not all inside `s`.
constexpr klib::Result<u64> read_le(klib::Span<const u8> s, usize off, usize width) {
    if (width > 8 || !in_bounds(s.size(), off, width)) {
        return klib::Error::OutOfRange;
    }
    u64 v = 0;
    for (usize i = 0; i < width; ++i) {
        v |= u64(s[off + i]) << (8 * i);
    }
    return v;
}

constexpr klib::Result<u8> read_u8(klib::Span<const u8> s, usize off) {
    return u8(TRY(read_le(s, off, 1)));
}
constexpr klib::Result<u16> read_le16(klib::Span<const u8> s, usize off) {
    return u16(TRY(read_le(s, off, 2)));
}
constexpr klib::Result<u32> read_le32(klib::Span<const u8> s, usize off) {
    return u32(TRY(read_le(s, off, 4)));
}
constexpr klib::Result<u64> read_le64(klib::Span<const u8> s, usize off) {
    return read_le(s, off, 8);
}

} // namespace services::lib
