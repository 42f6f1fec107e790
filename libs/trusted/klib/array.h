// klib/array.h - Array<T, N>: fixed-size array with checked indexing.
//
// An aggregate like std::array: `klib::Array<int, 3> a{1, 2, 3};`.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/span.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

template <typename T, usize N>
struct Array {
    // Public only so that Array stays an aggregate; use operator[].
    // A zero-length C array is not allowed, hence the 1. Value-initialised
    // (KS-INIT): an Array member of a class whose constructor does not
    // mention it, or a default-initialised Array, holds zeros, never
    // indeterminate values. Still an aggregate (brace initialisation).
    T elems_[N == 0 ? 1 : N]{};

    static constexpr usize size() noexcept { return N; }
    static constexpr bool empty() noexcept { return N == 0; }

    constexpr T& operator[](usize i) KL_LIFETIMEBOUND {
        KLIB_CHECK(i < N, "Array: index out of bounds");
        // SAFETY: i < N.
        return elems_[i];
    }
    constexpr const T& operator[](usize i) const KL_LIFETIMEBOUND {
        KLIB_CHECK(i < N, "Array: index out of bounds");
        return elems_[i];
    }
    constexpr T& front() KL_LIFETIMEBOUND { return (*this)[0]; }
    constexpr const T& front() const KL_LIFETIMEBOUND { return (*this)[0]; }
    constexpr T& back() KL_LIFETIMEBOUND { return (*this)[N - 1]; }
    constexpr const T& back() const KL_LIFETIMEBOUND { return (*this)[N - 1]; }

    constexpr void fill(const T& v) {
        for (usize i = 0; i < N; ++i) {
            elems_[i] = v;
        }
    }

    constexpr Span<T> span() KL_LIFETIMEBOUND { return Span<T>::from_raw(elems_, N); }
    constexpr Span<const T> span() const KL_LIFETIMEBOUND {
        return Span<const T>::from_raw(elems_, N);
    }

    constexpr T* begin() KL_LIFETIMEBOUND { return elems_; }
    constexpr T* end() KL_LIFETIMEBOUND { return elems_ + N; }
    constexpr const T* begin() const KL_LIFETIMEBOUND { return elems_; }
    constexpr const T* end() const KL_LIFETIMEBOUND { return elems_ + N; }

    KLIB_UNSAFE constexpr T* unsafe_data() KL_LIFETIMEBOUND { return elems_; }
    KLIB_UNSAFE constexpr const T* unsafe_data() const KL_LIFETIMEBOUND { return elems_; }

    friend constexpr bool operator==(const Array& a, const Array& b) {
        for (usize i = 0; i < N; ++i) {
            if (!(a.elems_[i] == b.elems_[i])) {
                return false;
            }
        }
        return true;
    }
};

template <typename T, typename... U>
Array(T, U...) -> Array<T, 1 + sizeof...(U)>;

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
