// The workloads compiled as service code (safety plugin, UBSan traps,
// zero-initialised locals). Compare with framework/bench/bench_framework.cpp.
#include <bench/workloads.h>

#include <keel/ktest.h>

namespace services::bench {

KBENCH(bench_checked) {
    klib::Vec<u32> v = MUST(bench_make_vec());
    u64 sink = 0;
    keel::ktest::bench("vec_sum/service", [&] { sink += bench_vec_sum(v); });
    keel::ktest::bench("vec_mix/service", [&] { sink += u64(bench_vec_mix(v)); });
    keel::ktest::bench("span_mix/service", [&] { sink += u64(bench_span_mix(v.span().span())); });
    keel::ktest::bench("sort/service", [&] { bench_sort(v); });
    keel::Frame f = MUST(keel::Frame::alloc());
    keel::ktest::bench("frame_rw/service", [&] { sink += bench_frame_roundtrip(f); });
    keel::SpinLock<u64> lock(0);
    keel::ktest::bench("lock_1000/service", [&] { sink += bench_lock_increments(lock, 1000); });
    keel::ktest::bench("borrow_1000/service", [&] { sink += bench_borrows(v, 1000); });
    klib::Vec<u32> w = MUST(klib::Vec<u32>::with_capacity(BENCH_ELEMS));
    keel::ktest::bench("push_16k/service", [&] { sink += bench_push(w, BENCH_ELEMS); });
    keel::log_debug("bench sink {}", sink);
}

} // namespace services::bench
