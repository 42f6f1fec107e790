// ktests of ITIMER_REAL's RealTimer: one kernel task per timer however
// often it is set (setitimer from several threads must not start a second,
// unstoppable task: redteam R5-01), and stop() ends it.
#include "signal.h"

#include <keel/ktest.h>
#include <keel/task.h>
#include <keel/time.h>
#include <klib/arc.h>
#include <klib/atomic.h>

namespace services::signal {

namespace {

klib::Function<void()> counter(const klib::Arc<klib::Atomic<u32>>& fired) {
    return MUST(klib::Function<void()>::make(
        [c = fired.clone()] { (*c).fetch_add(1, klib::MemoryOrder::Relaxed); }));
}

} // namespace

KTEST(signal_real_timer_one_task_fires_and_stops) {
    const klib::Arc<klib::Atomic<u32>> fired = MUST(klib::Arc<klib::Atomic<u32>>::make(0u));
    const u64 before = keel::task_count();
    {
        RealTimer timer;
        RealTimer::Value v;
        v.remaining_ns = 1000000000ull; // far: re-set below before it fires
        (void)MUST(timer.set(v, counter(fired)));
        KEXPECT_EQ(keel::task_count(), before + 1);
        (void)MUST(timer.set(v, counter(fired)));
        (void)MUST(timer.set(v, counter(fired)));
        KEXPECT_EQ(keel::task_count(), before + 1);
        v.remaining_ns = 1000000; // 1 ms
        (void)MUST(timer.set(v, counter(fired)));
        for (u32 i = 0; i < 100 && (*fired).load(klib::MemoryOrder::Relaxed) == 0; ++i) {
            keel::sleep_ns(10000000);
        }
        KEXPECT_EQ((*fired).load(klib::MemoryOrder::Relaxed), 1u);
    } // ~RealTimer stops the task
    for (u32 i = 0; i < 100 && keel::task_count() != before; ++i) {
        keel::sleep_ns(10000000);
    }
    KEXPECT_EQ(keel::task_count(), before);
}

} // namespace services::signal
