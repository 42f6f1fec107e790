// SpinLock<T, Policy>: a spin lock that owns the data it protects.
//
// The data is reachable only through a Guard (`auto g = lock.lock(); *g`) or
// a callback (`lock.with([&](T& v) { ... })`). The interrupt behaviour is part
// of the type:
//   SpinLock<T, IrqOff>     disables local interrupts while held: usable from
//                           IRQ handlers and from normal context;
//   SpinLock<T, PreemptOff> (default) leaves interrupts on: never take it in
//                           an IRQ handler.
// Guards cannot be copied or moved, so a guard stays in the scope (and on the
// CPU) that took it. Destroying a held lock is a checked error.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace keel {

struct IrqOff {};
struct PreemptOff {};

namespace detail {
// Framework-private lock bookkeeping of this CPU (only the boot CPU runs
// today): the preemption counter and the interrupt-handler depth. Defined
// in framework/sync/irq.cpp; touched only by the inline functions below and
// the interrupt entry (irq_enter/irq_exit). Inline so that a lock costs no
// calls: under emulation every return is an indirect jump, and the four
// calls per lock were most of its cost (bench_usercopy).
struct LockCounters {
    u32 preempt;
    u32 irq_depth;
};
extern LockCounters g_lock_counters;

// Disables interrupts and returns whether they were on. Framework internals.
KLIB_UNSAFE inline bool irq_save_disable() noexcept {
    u64 flags;
    // SAFETY: reads RFLAGS and clears IF; irq_restore() puts IF back.
    asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return (flags & (1u << 9)) != 0;
}
KLIB_UNSAFE inline void irq_restore(bool were_on) noexcept {
    if (were_on) {
        // SAFETY: interrupts were on when the matching irq_save_disable() ran.
        asm volatile("sti" : : : "memory");
    }
}
// There is no preemptive scheduler yet, so disabling preemption is a no-op
// beyond bookkeeping; the counter lets later code assert atomic context.
KLIB_UNSAFE inline void preempt_disable() noexcept {
    __atomic_fetch_add(&g_lock_counters.preempt, 1, __ATOMIC_RELAXED);
}
KLIB_UNSAFE inline void preempt_enable() noexcept {
    __atomic_fetch_sub(&g_lock_counters.preempt, 1, __ATOMIC_RELAXED);
}
// This CPU's number + 1 (0 means "no CPU"), for lock ownership checks.
// Only the boot CPU runs today; with SMP this becomes the per-CPU id.
inline u32 cpu_tag() noexcept {
    return 1;
}
// True while this CPU runs an interrupt handler.
inline bool in_irq() noexcept {
    return __atomic_load_n(&g_lock_counters.irq_depth, __ATOMIC_RELAXED) != 0;
}
inline void spin_pause() noexcept {
    __builtin_ia32_pause();
}
} // namespace detail

template <typename T, typename Policy = PreemptOff>
class KL_CAPABILITY("spinlock") SpinLock {
public:
    // Constructs the data in place. (Never a copy of another SpinLock.)
    template <typename... Args>
        requires(!(sizeof...(Args) == 1 &&
                   (__is_same(klib::remove_cvref_t<Args>, SpinLock) || ...)))
    constexpr explicit SpinLock(Args&&... args) : data_(klib::forward<Args>(args)...) {}
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;
    ~SpinLock() {
        KLIB_CHECK(!__atomic_load_n(&locked_, __ATOMIC_RELAXED), "SpinLock destroyed while held");
    }

    class KL_SCOPED_CAPABILITY Guard {
    public:
        explicit Guard(const SpinLock& l KL_LIFETIMEBOUND) KL_ACQUIRE(l) : lock_(l) {
            irq_ = lock_.acquire();
        }
        ~Guard() KL_RELEASE() { lock_.release(irq_); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        Guard(Guard&&) = delete;
        Guard& operator=(Guard&&) = delete;

        // The protected data. The reference must not outlive the guard.
        T& operator*() const KL_LIFETIMEBOUND KL_NO_THREAD_SAFETY_ANALYSIS { return lock_.data_; }
        T& get() const KL_LIFETIMEBOUND KL_NO_THREAD_SAFETY_ANALYSIS { return lock_.data_; }

    private:
        const SpinLock& lock_;
        bool irq_;
    };

    // Takes the lock; released when the guard goes out of scope.
    // Const, like with(): the lock is what makes shared access exclusive.
    [[nodiscard]] Guard lock() const KL_LIFETIMEBOUND KL_NO_THREAD_SAFETY_ANALYSIS {
        return Guard(*this);
    }

    // Runs f(data) with the lock held and returns its result, which must
    // be a value: a reference would outlive the lock.
    template <typename F>
    decltype(auto) with(F&& f) const {
        static_assert(!klib::is_reference_v<decltype(f(klib::declval<T&>()))>,
                      "SpinLock::with: the callback must not return a reference");
        Guard g(*this);
        return f(*g);
    }

    // True when some CPU holds the lock (for assertions only).
    bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

private:
    bool acquire() const KL_NO_THREAD_SAFETY_ANALYSIS {
        bool irq = false;
        if constexpr (__is_same(Policy, IrqOff)) {
            // SAFETY: restored in release() with the saved state.
            irq = detail::irq_save_disable();
        } else {
            KLIB_CHECK(!detail::in_irq(),
                       "SpinLock: PreemptOff lock taken in an interrupt handler");
            detail::preempt_disable();
        }
        const u32 me = detail::cpu_tag();
        // Taking a lock this CPU already holds would spin forever.
        KLIB_CHECK(__atomic_load_n(&owner_, __ATOMIC_RELAXED) != me,
                   "SpinLock: recursive acquire on the same CPU");
        while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
            while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) {
                detail::spin_pause();
            }
        }
        __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
        return irq;
    }
    void release(bool irq) const KL_NO_THREAD_SAFETY_ANALYSIS {
        __atomic_store_n(&owner_, 0u, __ATOMIC_RELAXED);
        __atomic_store_n(&locked_, false, __ATOMIC_RELEASE);
        if constexpr (__is_same(Policy, IrqOff)) {
            // SAFETY: `irq` is the state saved by the matching acquire().
            detail::irq_restore(irq);
        } else {
            detail::preempt_enable();
        }
    }

    mutable bool locked_ = false;
    mutable u32 owner_ = 0; // detail::cpu_tag() of the holder, 0 when free
    mutable T data_ KL_GUARDED_BY(this);
};

} // namespace keel

KLIB_TRUSTED_END
