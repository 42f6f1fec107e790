// In-kernel unit tests.
//
//   KTEST(frame_alloc_zeroes) { auto f = MUST(Frame::alloc()); KEXPECT_EQ(f.read_u8(0), 0); }
//   KTEST_SHOULD_PANIC(oob_index, "index out of bounds") { ... }
//
// Tests are collected in the .ktests linker section and run by the framework
// when the command line says `ktest` or `ktest=<glob>` (e.g. ktest=heap_*).
// Each prints one line; the run ends with `N passed, N failed` and QEMU exits
// through isa-debug-exit. KEXPECT* record a failure and continue; KASSERT*
// record a failure and end the test. A should-panic test passes only if it
// panics and the console output of the panic (message and backtrace)
// contains the expected text.
#pragma once

#include <keel/log.h>
#include <keel/time.h>
#include <klib/annotations.h>
#include <klib/array.h>

KLIB_TRUSTED_BEGIN

namespace keel::ktest {

struct Entry {
    const char* name;
    void (*fn)();
    const char* expect_panic; // null for a normal test
    const char* file;
    int line;
    u8 kind; // Kind below
};

enum Kind : u8 {
    KIND_TEST = 0,
    KIND_MANUAL = 1, // runs only when the ktest filter names it exactly
    KIND_BENCH = 2,  // runs only with `bench[=glob]` on the command line
};

// Benchmarks: runs f() `rounds` times, timing each round with the monotonic
// clock, and prints "bench LABEL: median N ns (min, max) over R rounds".
void bench_report(klib::StringView label, klib::Span<u64> samples_ns);
template <typename F>
void bench(klib::StringView label, F&& f) {
    constexpr usize ROUNDS = 7;
    klib::Array<u64, ROUNDS> samples{};
    f(); // warm up (page-table, heap and cache state)
    for (usize i = 0; i < ROUNDS; ++i) {
        u64 t0 = ::keel::monotonic_ns();
        f();
        samples[i] = ::keel::monotonic_ns() - t0;
    }
    bench_report(label, samples.span());
}

// Returns its argument through a call the optimizer cannot see into, so
// tests can make values "unknown" at compile time (e.g. to reach a runtime
// check instead of a constant-folded one).
u64 opaque(u64 v);

// Records a failed expectation in the current test.
void record_failure(klib::StringView what, klib::StringView file, int line);

template <typename A, typename B>
void report_ne(klib::StringView expr, const A& a, const B& b, klib::StringView file, int line) {
    log_error("    {}: left = {}, right = {}", expr, a, b);
    record_failure(expr, file, line);
}

} // namespace keel::ktest

#define KEEL_KTEST_ENTRY(name, expect, kind)                                                       \
    static void ktest_fn_##name();                                                                 \
    [[gnu::used, gnu::section(".ktests")]] static const ::keel::ktest::Entry ktest_entry_##name{   \
        #name, ktest_fn_##name, expect, __FILE__, __LINE__, kind};                                 \
    static void ktest_fn_##name()

#define KTEST(name) KEEL_KTEST_ENTRY(name, nullptr, ::keel::ktest::KIND_TEST)
#define KTEST_SHOULD_PANIC(name, expected)                                                         \
    KEEL_KTEST_ENTRY(name, expected, ::keel::ktest::KIND_TEST)
// A benchmark: runs with `bench[=glob]` (make bench), calls ktest::bench().
#define KBENCH(name) KEEL_KTEST_ENTRY(name, nullptr, ::keel::ktest::KIND_BENCH)
// A test that runs only when selected by its exact name (e.g. the runner's
// own deliberately failing self-test).
#define KTEST_MANUAL(name) KEEL_KTEST_ENTRY(name, nullptr, ::keel::ktest::KIND_MANUAL)

#define KEXPECT(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ::keel::ktest::record_failure(#cond, __FILE__, __LINE__);                              \
        }                                                                                          \
    } while (0)

// Ends the test by returning from the enclosing function (use it in the
// test body or in a void helper): no non-local jump skips destructors.
#define KASSERT(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ::keel::ktest::record_failure(#cond, __FILE__, __LINE__);                              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KEEL_KEXPECT_OP(a, op, b)                                                                  \
    do {                                                                                           \
        auto&& keel_a_ = (a);                                                                      \
        auto&& keel_b_ = (b);                                                                      \
        if (!(keel_a_ op keel_b_)) {                                                               \
            ::keel::ktest::report_ne(#a " " #op " " #b, keel_a_, keel_b_, __FILE__, __LINE__);     \
        }                                                                                          \
    } while (0)

#define KEXPECT_EQ(a, b) KEEL_KEXPECT_OP(a, ==, b)
#define KEXPECT_NE(a, b) KEEL_KEXPECT_OP(a, !=, b)
#define KEXPECT_LT(a, b) KEEL_KEXPECT_OP(a, <, b)
#define KEXPECT_LE(a, b) KEEL_KEXPECT_OP(a, <=, b)
#define KEXPECT_GT(a, b) KEEL_KEXPECT_OP(a, >, b)
#define KEXPECT_GE(a, b) KEEL_KEXPECT_OP(a, >=, b)

KLIB_TRUSTED_END
