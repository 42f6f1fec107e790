// klib/algorithm.h - small algorithms over Spans, written in the safe
// subset: index loops and checked indexing only (no pointers, no casts).
#pragma once

#include <klib/optional.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/utility.h>

namespace klib {

// v limited to [lo, hi]; requires !(hi < lo).
template <typename T>
constexpr T clamp(const T& v, const T& lo, const T& hi) {
    KLIB_CHECK(!(hi < lo), "clamp: empty range");
    return v < lo ? lo : (hi < v ? hi : v);
}

// Sets every element of s to v.
template <typename T>
constexpr void fill(Span<T> s, const T& v) {
    for (usize i = 0; i < s.size(); ++i) {
        s[i] = v;
    }
}

// True when a and b have the same length and equal elements.
template <typename T>
constexpr bool equal(Span<const T> a, Span<const T> b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (usize i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i])) {
            return false;
        }
    }
    return true;
}

// Index of the first element equal to v, or none.
template <typename T>
constexpr Optional<usize> find_index(Span<const T> s, const T& v) {
    for (usize i = 0; i < s.size(); ++i) {
        if (s[i] == v) {
            return i;
        }
    }
    return none;
}

template <typename T>
constexpr bool contains(Span<const T> s, const T& v) {
    return find_index(s, v).has_value();
}

// Reverses s in place.
template <typename T>
constexpr void reverse(Span<T> s) {
    usize n = s.size();
    for (usize i = 0; i < n / 2; ++i) {
        klib::swap(s[i], s[n - 1 - i]);
    }
}

namespace detail {
// Restores the max-heap property below `root` within s[0..end).
template <typename T, typename Less>
constexpr void sift_down(Span<T> s, usize root, usize end, const Less& less) {
    while (2 * root + 1 < end) {
        usize child = 2 * root + 1;
        if (child + 1 < end && less(s[child], s[child + 1])) {
            ++child;
        }
        if (!less(s[root], s[child])) {
            return;
        }
        klib::swap(s[root], s[child]);
        root = child;
    }
}
} // namespace detail

// Sorts s in place by `less` (a strict weak order). Heapsort: O(n log n)
// worst case, no recursion, no allocation; not stable.
template <typename T, typename Less>
constexpr void sort(Span<T> s, const Less& less) {
    usize n = s.size();
    for (usize i = n / 2; i > 0; --i) {
        detail::sift_down(s, i - 1, n, less);
    }
    for (usize end = n; end > 1; --end) {
        klib::swap(s[0], s[end - 1]);
        detail::sift_down(s, 0, end - 1, less);
    }
}

// Sorts s ascending by operator<.
template <typename T>
constexpr void sort(Span<T> s) {
    sort(s, [](const T& a, const T& b) { return a < b; });
}

// True when s is in non-descending order.
template <typename T>
constexpr bool is_sorted(Span<const T> s) {
    for (usize i = 1; i < s.size(); ++i) {
        if (s[i] < s[i - 1]) {
            return false;
        }
    }
    return true;
}

} // namespace klib
