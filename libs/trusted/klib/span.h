// klib/span.h - Span<T>: a bounds-checked view of contiguous elements.
//
// A Span does not own its elements and does not keep them alive. Residual
// risk: a Span taken from a container is not tracked by the container's
// borrow counter, so it can dangle if the container reallocates. Prefer the
// container's borrow guard (Vec::span()) and pass spans only downwards (as
// function arguments), never store them.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

// Pointer arithmetic below is confined to this trusted header; every element
// access is preceded by a bounds check.
#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

template <typename T>
class Span;

namespace detail {
template <typename C>
inline constexpr bool is_span = false;
template <typename T>
inline constexpr bool is_span<Span<T>> = true;

// A container that can lend a span of T: exposes unsafe_data() and size().
// Spans themselves are excluded (they use the copy/const constructors), and
// so are borrow-tracked containers (those with borrow_count(), i.e. Vec):
// they lend spans only through a guard (`f(v.span())`), which keeps them
// from being mutated while the callee uses the span (`f(v, v)` with
// f(Span<int>, Vec<int>&) would otherwise read freed memory).
template <typename C, typename T>
concept SpanSource =
    !is_span<remove_cv_t<C>> &&
    requires(C& c) {
        c.unsafe_data();
        c.size();
    } && !requires(C& c) { c.borrow_count(); } &&
    is_convertible_v<decltype(declval<C&>().unsafe_data()), T*> &&
    // Exactly a pointer to (const) T: not nullptr_t or any other
    // type that merely converts to T*.
    (is_same_v<decltype(declval<C&>().unsafe_data()), T*> ||
     is_same_v<decltype(declval<C&>().unsafe_data()), typename remove_const<T>::type*>);
} // namespace detail

// Pointer + length view with checked access. Copying a Span is cheap and
// copies the view, not the elements.
template <typename T>
class Span {
public:
    using value_type = remove_cv_t<T>;

    constexpr Span() noexcept = default;

    // View of a whole C array (string literals, fixed tables).
    template <usize N>
    constexpr Span(T (&arr)[N] KL_LIFETIMEBOUND) noexcept : data_(arr), size_(N) {}

    // View of a container's elements (Array, Vec, String...). Only lvalues:
    // a span of a temporary container would dangle at once.
    template <typename C>
        requires detail::SpanSource<C, T>
    constexpr Span(C& c KL_LIFETIMEBOUND) noexcept : data_(c.unsafe_data()), size_(c.size()) {}

    // Span<const T> from Span<T>.
    template <typename U>
        requires(is_same_v<const U, T> && !is_same_v<U, T>)
    constexpr Span(Span<U> other) noexcept : data_(other.unsafe_data()), size_(other.size()) {}

    // Unsafe: the caller promises `p` points to `n` live elements that
    // outlive the Span.
    KLIB_UNSAFE static constexpr Span from_raw(T* p, usize n) noexcept { return Span(p, n); }

    constexpr usize size() const noexcept { return size_; }
    constexpr usize size_bytes() const noexcept { return size_ * sizeof(T); }
    constexpr bool empty() const noexcept { return size_ == 0; }

    // Checked element access; an out-of-range index is a check failure.
    constexpr T& operator[](usize i) const KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "Span: index out of bounds");
        // SAFETY: i < size_, and data_ points to size_ live elements.
        return data_[i];
    }
    constexpr T& front() const KL_LIFETIMEBOUND { return (*this)[0]; }
    constexpr T& back() const KL_LIFETIMEBOUND {
        KLIB_CHECK(size_ > 0, "Span: index out of bounds");
        return data_[size_ - 1];
    }

    // Elements [off, off + len); both ends are checked (overflow-safe).
    constexpr Span subspan(usize off, usize len) const {
        KLIB_CHECK(off <= size_ && len <= size_ - off, "Span: subspan out of bounds");
        // SAFETY: off + len <= size_, checked above without overflow.
        return Span(data_ + off, len);
    }
    // Elements [off, size()).
    constexpr Span subspan(usize off) const {
        KLIB_CHECK(off <= size_, "Span: subspan out of bounds");
        return Span(data_ + off, size_ - off);
    }
    constexpr Span first(usize n) const { return subspan(0, n); }
    constexpr Span last(usize n) const {
        KLIB_CHECK(n <= size_, "Span: subspan out of bounds");
        return Span(data_ + (size_ - n), n);
    }

    // Range-for support. The iterators are raw pointers bounded by the span;
    // they are valid as long as the viewed storage is.
    constexpr T* begin() const noexcept { return data_; }
    constexpr T* end() const noexcept { return data_ + size_; }

    // Unsafe: raw access for trusted code (memcpy, device I/O).
    KLIB_UNSAFE constexpr T* unsafe_data() const noexcept { return data_; }

private:
    constexpr Span(T* p, usize n) noexcept : data_(p), size_(n) {}

    T* data_ = nullptr;
    usize size_ = 0;
};

template <typename T, usize N>
Span(T (&)[N]) -> Span<T>;

// Copies min(dst.size(), src.size()) elements from src to dst; returns the
// count. Trivially copyable elements use memmove (overlap-safe).
template <typename T>
constexpr usize copy(Span<T> dst, Span<const T> src) noexcept {
    usize n = dst.size() < src.size() ? dst.size() : src.size();
    if constexpr (is_trivially_copyable_v<T>) {
        if (!__builtin_is_constant_evaluated()) {
            if (n != 0) {
                // SAFETY: both spans hold at least n elements; memmove
                // tolerates overlap; T is trivially copyable.
                __builtin_memmove(dst.unsafe_data(), src.unsafe_data(), n * sizeof(T));
            }
            return n;
        }
    }
    for (usize i = 0; i < n; ++i) {
        dst[i] = src[i];
    }
    return n;
}

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
