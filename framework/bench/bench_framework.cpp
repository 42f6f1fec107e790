// The same workloads as services/bench/bench_checked.cpp compiled with the
// framework's flags (no plugin, no UBSan), plus hand-written raw-pointer
// versions: the baseline a C kernel would have. Test code, not part of the
// kernel's function; it lives in the framework only because the raw
// baselines need raw pointers.
#include <bench/workloads.h>

#include "mm/frame_allocator.h"
#include "mm/phys.h"
#include <keel/ktest.h>

namespace keel::bench {

namespace {

u64 raw_sum(const u32* p, usize n) {
    u64 sum = 0;
    for (usize i = 0; i < n; ++i) {
        sum += p[i];
    }
    return sum;
}

i64 raw_mix(u32* p, usize n) {
    i64 acc = 0;
    for (usize i = 1; i < n; ++i) {
        p[i] = p[i] ^ (p[i - 1] >> 3);
        acc += i64(p[i] & 0xffff) - 0x7fff;
    }
    return acc;
}

u64 raw_frame_roundtrip(u64 pa) {
    u64* w = mm::phys_ptr<u64>(pa);
    u64 sum = 0;
    for (usize i = 0; i < 512; ++i) {
        w[i] = i * 8;
    }
    for (usize i = 0; i < 512; ++i) {
        sum += w[i];
    }
    return sum;
}

} // namespace

KBENCH(bench_framework) {
    klib::Vec<u32> v = MUST(bench_make_vec());
    u64 sink = 0;
    ktest::bench("vec_sum/framework-flags", [&] { sink += bench_vec_sum(v); });
    ktest::bench("vec_mix/framework-flags", [&] { sink += u64(bench_vec_mix(v)); });
    ktest::bench("span_mix/framework-flags", [&] { sink += u64(bench_span_mix(v.span().span())); });
    ktest::bench("sort/framework-flags", [&] { bench_sort(v); });
    Frame f = MUST(Frame::alloc());
    ktest::bench("frame_rw/framework-flags", [&] { sink += bench_frame_roundtrip(f); });
    SpinLock<u64> lock(0);
    ktest::bench("lock_1000/framework-flags", [&] { sink += bench_lock_increments(lock, 1000); });
    ktest::bench("borrow_1000/framework-flags", [&] { sink += bench_borrows(v, 1000); });
    klib::Vec<u32> w = MUST(klib::Vec<u32>::with_capacity(BENCH_ELEMS));
    ktest::bench("push_16k/framework-flags", [&] { sink += bench_push(w, BENCH_ELEMS); });

    // SAFETY: v outlives the loops and is not resized meanwhile (the borrow
    // guard is dropped at once; nothing mutates v's structure below).
    u32* raw = v.span().span().unsafe_data();
    ktest::bench("vec_sum/raw", [&] { sink += raw_sum(raw, v.size()); });
    ktest::bench("vec_mix/raw", [&] { sink += u64(raw_mix(raw, v.size())); });
    ktest::bench("span_mix/raw", [&] { sink += u64(raw_mix(raw, v.size())); });
    ktest::bench("frame_rw/raw", [&] { sink += raw_frame_roundtrip(f.paddr()); });
    log_debug("bench sink {}", sink);
}

} // namespace keel::bench
