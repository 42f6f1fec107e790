// ktests compiled as service code: the runtime layer of the safe subset.
// Each undefined behaviour the compiler cannot rule out statically must trap
// with a named check and a backtrace, never continue silently.
#include <keel/ktest.h>
#include <klib/optional.h>
#include <klib/vec.h>

namespace services::selftest {

namespace {

i32 add(i32 a, i32 b) {
    return a + b;
}
i32 shift(i32 a, i32 b) {
    return a << b;
}
i32 divide(i32 a, i32 b) {
    return a / b;
}

} // namespace

KTEST_SHOULD_PANIC(service_signed_overflow_traps, "signed integer overflow in addition") {
    i32 big = i32(keel::ktest::opaque(0x7fffffff));
    keel::log_info("unreachable: {}", add(big, 1));
}

KTEST_SHOULD_PANIC(service_shift_out_of_bounds_traps, "shift out of bounds") {
    i32 by = i32(keel::ktest::opaque(40));
    keel::log_info("unreachable: {}", shift(1, by));
}

KTEST_SHOULD_PANIC(service_division_by_zero_traps, "division by zero") {
    i32 zero = i32(keel::ktest::opaque(0));
    keel::log_info("unreachable: {}", divide(7, zero));
}

KTEST_SHOULD_PANIC(service_vec_index_out_of_bounds_traps, "Vec: index out of bounds") {
    klib::Vec<i32> v;
    MUST(v.try_push(1));
    usize i = usize(keel::ktest::opaque(5));
    keel::log_info("unreachable: {}", v[i]);
}

// (Mutation of a Vec while a range-for iterates it through a checked
// method is refused statically now that KTEST bodies are scanned:
// tests/safety/reject/KS-CONTAINER/ktest_body_range_for.cpp. The Vec's
// runtime borrow counter is tested in framework/ktest/core_ktest.cpp and
// tests/host/klib_vec_test.cpp.)

KTEST_SHOULD_PANIC(service_empty_optional_access_traps, "Optional: access to empty") {
    klib::Optional<i32> o;
    if (keel::ktest::opaque(1) == 1) {
        o.reset();
    }
    keel::log_info("unreachable: {}", o.value());
}

KTEST(service_checked_arithmetic_in_range_is_fine) {
    KEXPECT_EQ(add(40, 2), 42);
    KEXPECT_EQ(shift(1, 4), 16);
    KEXPECT_EQ(divide(-9, 3), -3);
}

} // namespace services::selftest
