// The lock bookkeeping behind SpinLock's policies (the inline functions in
// keel/sync/spinlock.h) and the interrupt-handler depth.
#include <keel/sync/spinlock.h>

namespace keel::detail {

LockCounters g_lock_counters{0, 0};

void irq_enter() noexcept {
    __atomic_fetch_add(&g_lock_counters.irq_depth, 1, __ATOMIC_RELAXED);
}
void irq_exit() noexcept {
    __atomic_fetch_sub(&g_lock_counters.irq_depth, 1, __ATOMIC_RELAXED);
}

} // namespace keel::detail
