// klib/atomic.h - Atomic<T> for integers, bool and pointers, built on the
// compiler's __atomic builtins. Memory orders are always explicit at the
// call site, because the right order is part of the algorithm.
#pragma once

#include <klib/types.h>
#include <klib/utility.h>
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace klib {

enum class MemoryOrder : int {
    Relaxed = __ATOMIC_RELAXED,
    Acquire = __ATOMIC_ACQUIRE,
    Release = __ATOMIC_RELEASE,
    AcqRel = __ATOMIC_ACQ_REL,
    SeqCst = __ATOMIC_SEQ_CST,
};

// Full fence with the given order.
inline void atomic_fence(MemoryOrder o) noexcept {
    __atomic_thread_fence(static_cast<int>(o));
}

// keel_sync: a global Atomic is allowed in services (KS-GLOBAL). Like
// Rust's atomics, every operation is const (interior mutability): an Atomic
// reached through an Arc or a const reference can still be updated, which
// is sound because every access is atomic.
template <typename T>
class [[clang::annotate("keel_sync")]] Atomic {
    static_assert(is_integral_v<T> || is_pointer_v<T>, "Atomic<T>: integers, bool, pointers");
    static_assert(sizeof(T) <= 8, "Atomic<T>: at most 8 bytes (lock-free)");

public:
    constexpr Atomic() noexcept : v_() {}
    constexpr explicit Atomic(T v) noexcept : v_(v) {}
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    T load(MemoryOrder o) const noexcept { return __atomic_load_n(&v_, static_cast<int>(o)); }
    void store(T v, MemoryOrder o) const noexcept { __atomic_store_n(&v_, v, static_cast<int>(o)); }
    T exchange(T v, MemoryOrder o) const noexcept {
        return __atomic_exchange_n(&v_, v, static_cast<int>(o));
    }

    // Strong CAS: if the value equals `expected`, stores `desired` and
    // returns true; otherwise loads the current value into `expected`.
    bool compare_exchange(T& expected, T desired, MemoryOrder success,
                          MemoryOrder failure) const noexcept {
        return __atomic_compare_exchange_n(&v_, &expected, desired, false,
                                           static_cast<int>(success), static_cast<int>(failure));
    }
    // Weak CAS: may fail spuriously; use in retry loops.
    bool compare_exchange_weak(T& expected, T desired, MemoryOrder success,
                               MemoryOrder failure) const noexcept {
        return __atomic_compare_exchange_n(&v_, &expected, desired, true, static_cast<int>(success),
                                           static_cast<int>(failure));
    }

    // Arithmetic: integers only (not bool). Returns the previous value.
    // Wraps on overflow for unsigned T (as the hardware does).
    T fetch_add(T d, MemoryOrder o) const noexcept
        requires(is_integral_v<T> && !is_bool_v<T>)
    {
        return __atomic_fetch_add(&v_, d, static_cast<int>(o));
    }
    T fetch_sub(T d, MemoryOrder o) const noexcept
        requires(is_integral_v<T> && !is_bool_v<T>)
    {
        return __atomic_fetch_sub(&v_, d, static_cast<int>(o));
    }
    T fetch_and(T d, MemoryOrder o) const noexcept
        requires(is_integral_v<T> && !is_bool_v<T>)
    {
        return __atomic_fetch_and(&v_, d, static_cast<int>(o));
    }
    T fetch_or(T d, MemoryOrder o) const noexcept
        requires(is_integral_v<T> && !is_bool_v<T>)
    {
        return __atomic_fetch_or(&v_, d, static_cast<int>(o));
    }
    T fetch_xor(T d, MemoryOrder o) const noexcept
        requires(is_integral_v<T> && !is_bool_v<T>)
    {
        return __atomic_fetch_xor(&v_, d, static_cast<int>(o));
    }

private:
    alignas(sizeof(T)) mutable T v_;
};

} // namespace klib

KLIB_TRUSTED_END
