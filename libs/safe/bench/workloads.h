// Benchmark workloads written in the safe subset. One text, compiled twice:
// as service code (services/bench/bench_checked.cpp, with the safety plugin
// and the mandatory runtime checks) and as framework code
// (framework/bench/bench_framework.cpp, without them), so the difference
// between the two is the cost of the service flags alone. It lives in
// libs/safe, which both halves may include (the framework never includes a
// services/ header), and `make check-safety` checks it like all libs/safe.
// Everything here has internal linkage: each TU gets its own copy.
#pragma once

#include <klib/algorithm.h>
#include <klib/result.h>
#include <klib/vec.h>
#include <keel/mm/frame.h>
#include <keel/sync/spinlock.h>

namespace {

constexpr usize BENCH_ELEMS = 16384;

[[maybe_unused]] klib::Result<klib::Vec<u32>> bench_make_vec() {
    klib::Vec<u32> v = TRY(klib::Vec<u32>::with_capacity(BENCH_ELEMS));
    u32 seed = 12345;
    for (usize i = 0; i < BENCH_ELEMS; ++i) {
        seed = seed * 1103515245u + 12345u;
        TRY(v.try_push(seed >> 8));
    }
    return v;
}

// Indexed reads: one bounds check per element.
[[maybe_unused]] u64 bench_vec_sum(const klib::Vec<u32>& v) {
    u64 sum = 0;
    for (usize i = 0; i < v.size(); ++i) {
        sum += v[i];
    }
    return sum;
}

// Indexed read-modify-write with arithmetic (overflow checks on i32).
[[maybe_unused]] i64 bench_vec_mix(klib::Vec<u32>& v) {
    i64 acc = 0;
    for (usize i = 1; i < v.size(); ++i) {
        v[i] = v[i] ^ (v[i - 1] >> 3);
        acc += i64(v[i] & 0xffff) - 0x7fff;
    }
    return acc;
}

// The same loop over a Span taken once: the span's pointer and length live
// in registers, so the bounds check no longer reloads the Vec's fields after
// every store (-fno-strict-aliasing lets a u32 store alias them).
[[maybe_unused]] i64 bench_span_mix(klib::Span<u32> s) {
    i64 acc = 0;
    for (usize i = 1; i < s.size(); ++i) {
        s[i] = s[i] ^ (s[i - 1] >> 3);
        acc += i64(s[i] & 0xffff) - 0x7fff;
    }
    return acc;
}

[[maybe_unused]] void bench_sort(klib::Vec<u32>& v) {
    u32 seed = 7;
    for (usize i = 0; i < v.size(); ++i) {
        seed = seed * 1103515245u + 12345u;
        v[i] = seed;
    }
    klib::sort(v.span().span());
}

// Frame access through the safe handle: bounds-checked copies.
[[maybe_unused]] u64 bench_frame_roundtrip(keel::Frame& f) {
    u64 sum = 0;
    for (usize off = 0; off + 8 <= keel::Frame::SIZE; off += 8) {
        MUST(f.write_val<u64>(off, u64(off)));
    }
    for (usize off = 0; off + 8 <= keel::Frame::SIZE; off += 8) {
        sum += MUST(f.read_val<u64>(off));
    }
    return sum;
}

// Shared borrows: 1000 borrow guards taken through const (each one an
// atomic increment and decrement of the Vec's borrow counter).
[[maybe_unused]] u64 bench_borrows(const klib::Vec<u32>& v, usize n) {
    u64 sum = 0;
    for (usize i = 0; i < n; ++i) {
        auto g = v.span();
        sum += g[i % g.size()];
    }
    return sum;
}

// Appends into reserved capacity (each push checks the borrow counter and
// holds it while the element is built).
[[maybe_unused]] u64 bench_push(klib::Vec<u32>& v, usize n) {
    v.clear();
    for (usize i = 0; i < n; ++i) {
        MUST(v.try_push(u32(i)));
    }
    return v.size();
}

[[maybe_unused]] u64 bench_lock_increments(const keel::SpinLock<u64>& lock, usize n) {
    for (usize i = 0; i < n; ++i) {
        lock.with([](u64& c) { c += 1; });
    }
    return lock.with([](u64& c) { return c; });
}

} // namespace
