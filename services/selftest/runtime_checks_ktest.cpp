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
// Mutation the checker cannot see from the loop (through another object
// that shares the Vec): the Vec's borrow counter catches it at run time.
struct Bag {
    klib::Vec<i32> items;
    void add(i32 x) { MUST(items.try_push(x)); }
};

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

KTEST_SHOULD_PANIC(service_vec_mutation_while_iterating_traps, "mutation while borrowed") {
    Bag bag;
    bag.add(1);
    for (i32 x : bag.items) {
        bag.add(x);
    }
}

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
