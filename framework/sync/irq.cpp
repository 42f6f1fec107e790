// Interrupt masking and the preemption counter behind SpinLock's policies.
#include "arch/x86_64/cpu.h"
#include <keel/sync/spinlock.h>

namespace keel::detail {

bool irq_save_disable() noexcept {
    bool on = (arch::read_rflags() & arch::RFLAGS_IF) != 0;
    arch::cli();
    return on;
}

void irq_restore(bool were_on) noexcept {
    if (were_on) {
        arch::sti();
    }
}

// There is no preemptive scheduler yet, so disabling preemption is a no-op
// beyond bookkeeping; the counter lets later code assert atomic context.
namespace {
u32 g_preempt_count = 0;
}
void preempt_disable() noexcept {
    __atomic_fetch_add(&g_preempt_count, 1, __ATOMIC_RELAXED);
}
void preempt_enable() noexcept {
    __atomic_fetch_sub(&g_preempt_count, 1, __ATOMIC_RELAXED);
}

// Only the boot CPU runs today; with SMP this becomes the per-CPU id.
u32 cpu_tag() noexcept {
    return 1;
}

namespace {
u32 g_irq_depth = 0;
}
bool in_irq() noexcept {
    return __atomic_load_n(&g_irq_depth, __ATOMIC_RELAXED) != 0;
}
void irq_enter() noexcept {
    __atomic_fetch_add(&g_irq_depth, 1, __ATOMIC_RELAXED);
}
void irq_exit() noexcept {
    __atomic_fetch_sub(&g_irq_depth, 1, __ATOMIC_RELAXED);
}

} // namespace keel::detail
