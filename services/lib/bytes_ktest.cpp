// ktests of the checked byte-reading and offset-arithmetic helpers.
#include "bytes.h"

#include <keel/ktest.h>
#include <klib/array.h>

namespace services::lib {

namespace {

template <typename T>
klib::Error err(const klib::Result<T>& r) {
    return r.is_err() ? r.error() : klib::Error::BadState;
}

} // namespace

KTEST(lib_bytes_little_endian_reads) {
    klib::Array<u8, 9> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff};
    klib::Span<const u8> s = b.span();
    KEXPECT_EQ(MUST(read_u8(s, 8)), 0xffu);
    KEXPECT_EQ(MUST(read_le16(s, 0)), 0x0201u);
    KEXPECT_EQ(MUST(read_le32(s, 5)), 0xff080706u);
    KEXPECT_EQ(MUST(read_le64(s, 0)), 0x0807060504030201u);
    KEXPECT_EQ(MUST(read_le64(s, 1)), 0xff08070605040302u);
    KEXPECT_EQ(err(read_u8(s, 9)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le16(s, 8)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le32(s, 6)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le64(s, 2)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le64(s, ~usize(0) - 2)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le(s, 0, 9)), klib::Error::OutOfRange);
    KEXPECT_EQ(err(read_le16(klib::Span<const u8>(), 0)), klib::Error::OutOfRange);
}

KTEST(lib_bytes_checked_arithmetic) {
    KEXPECT(in_bounds(10, 0, 10));
    KEXPECT(in_bounds(10, 10, 0));
    KEXPECT(!in_bounds(10, 11, 0));
    KEXPECT(!in_bounds(10, 5, 6));
    KEXPECT(!in_bounds(10, 5, ~usize(0)));
    KEXPECT(!in_bounds(10, ~usize(0), 2));
    KEXPECT_EQ(MUST(checked_add(~u64(0) - 1, 1)), ~u64(0));
    KEXPECT_EQ(err(checked_add(~u64(0), 1)), klib::Error::Overflow);
    KEXPECT_EQ(MUST(checked_mul(u64(1) << 32, (u64(1) << 32) - 1)), ~u64(0) - ((u64(1) << 32) - 1));
    KEXPECT_EQ(err(checked_mul(u64(1) << 32, u64(1) << 32)), klib::Error::Overflow);
    KEXPECT_EQ(MUST(checked_mul(0, ~u64(0))), 0u);
    KEXPECT_EQ(MUST(align_up(13, 4)), 16u);
    KEXPECT_EQ(MUST(align_up(16, 4)), 16u);
    KEXPECT_EQ(MUST(align_up(0, 4096)), 0u);
    KEXPECT_EQ(err(align_up(~u64(0) - 2, 4)), klib::Error::Overflow);
    KEXPECT_EQ(err(align_up(5, 3)), klib::Error::InvalidArgument);
    KEXPECT_EQ(err(align_up(5, 0)), klib::Error::InvalidArgument);
    KEXPECT(is_pow2(1) && is_pow2(u64(1) << 63) && !is_pow2(0) && !is_pow2(6));
}

} // namespace services::lib
