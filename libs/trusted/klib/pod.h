// klib/pod.h - Pod: types that may be built from arbitrary bytes
// (user-space buffers, device memory, on-disk structures).
//
// Pod<T> requires: trivially copyable, standard layout, and not bool, an
// enum or a pointer (those have invalid bit patterns or carry authority).
// Structs are accepted only by explicit opt-in:
//
//   template <> inline constexpr bool klib::is_pod_safe<MyHeader> = true;
//
// Residual risk: the compiler cannot look inside a struct, so the opt-in is
// a promise that every field is itself Pod (no bool/enum/pointer members).
#pragma once

#include <klib/array.h>
#include <klib/optional.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/utility.h>
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// Opt-in for class types whose every field is Pod (see above).
template <typename T>
inline constexpr bool is_pod_safe = false;

namespace detail {
template <typename T>
inline constexpr bool is_pod_scalar = is_integral_v<T> && !is_bool_v<T>;
template <typename T>
inline constexpr bool is_pod_array_elem = false;
} // namespace detail

template <typename T>
concept Pod = is_trivially_copyable_v<T> && is_standard_layout_v<T> && !is_bool_v<T> &&
              !is_enum_v<T> && !is_pointer_v<T> && !is_reference_v<T> &&
              (detail::is_pod_scalar<T> || is_pod_safe<remove_cv_t<T>>);

// Array<T, N> of Pod is Pod.
template <typename T, usize N>
    requires Pod<T>
inline constexpr bool is_pod_safe<Array<T, N>> = true;

// A T copied from the first sizeof(T) bytes of `bytes`; none if too short.
template <Pod T>
Optional<T> from_bytes(Span<const u8> bytes) {
    if (bytes.size() < sizeof(T)) {
        return none;
    }
    T out;
    // SAFETY: T is Pod (every bit pattern valid), bytes holds >= sizeof(T)
    // bytes, and out is a distinct object of exactly sizeof(T) bytes.
    __builtin_memcpy(&out, bytes.unsafe_data(), sizeof(T));
    return out;
}

// The object representation of `v` as a byte array (a copy). Padding bytes
// are indeterminate (reading them is undefined, and they would leak stack
// contents), so T must be Pod and have no padding (checked by the compiler:
// unique object representations).
template <Pod T>
    requires(__has_unique_object_representations(T))
Array<u8, sizeof(T)> as_bytes(const T& v) {
    Array<u8, sizeof(T)> out{};
    // SAFETY: out has exactly sizeof(T) bytes; T is trivially copyable.
    __builtin_memcpy(out.unsafe_data(), &v, sizeof(T));
    return out;
}

} // namespace klib

KLIB_TRUSTED_END
