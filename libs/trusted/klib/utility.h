// klib/utility.h - type traits and value utilities (a freestanding subset of
// <type_traits> and <utility>), built on compiler builtins.
#pragma once

#include <klib/types.h>
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// ---- integral_constant ----------------------------------------------------

template <typename T, T V>
struct integral_constant {
    static constexpr T value = V;
    using value_type = T;
    constexpr operator T() const noexcept { return V; }
};
using true_type = integral_constant<bool, true>;
using false_type = integral_constant<bool, false>;

// ---- reference / cv manipulation ----------------------------------------

template <typename T>
struct remove_reference {
    using type = T;
};
template <typename T>
struct remove_reference<T&> {
    using type = T;
};
template <typename T>
struct remove_reference<T&&> {
    using type = T;
};
template <typename T>
using remove_reference_t = typename remove_reference<T>::type;

template <typename T>
struct remove_const {
    using type = T;
};
template <typename T>
struct remove_const<const T> {
    using type = T;
};
template <typename T>
struct remove_volatile {
    using type = T;
};
template <typename T>
struct remove_volatile<volatile T> {
    using type = T;
};
template <typename T>
using remove_cv_t = typename remove_volatile<typename remove_const<T>::type>::type;
template <typename T>
using remove_cvref_t = remove_cv_t<remove_reference_t<T>>;

// Unevaluated-context value of type T (never defined).
template <typename T>
T&& declval() noexcept;

// ---- predicates -------------------------------------------------------------

template <typename A, typename B>
struct is_same : false_type {};
template <typename A>
struct is_same<A, A> : true_type {};
template <typename A, typename B>
inline constexpr bool is_same_v = is_same<A, B>::value;

template <typename T>
inline constexpr bool is_lvalue_reference_v = false;
template <typename T>
inline constexpr bool is_lvalue_reference_v<T&> = true;
template <typename T>
inline constexpr bool is_reference_v = false;
template <typename T>
inline constexpr bool is_reference_v<T&> = true;
template <typename T>
inline constexpr bool is_reference_v<T&&> = true;
template <typename T>
inline constexpr bool is_const_v = false;
template <typename T>
inline constexpr bool is_const_v<const T> = true;

template <typename T>
inline constexpr bool is_pointer_v = false;
template <typename T>
inline constexpr bool is_pointer_v<T*> = true;
template <typename T>
inline constexpr bool is_pointer_v<T* const> = true;
template <typename T>
inline constexpr bool is_pointer_v<T* volatile> = true;
template <typename T>
inline constexpr bool is_pointer_v<T* const volatile> = true;

template <typename T>
inline constexpr bool is_void_v = is_same_v<remove_cv_t<T>, void>;
template <typename T>
inline constexpr bool is_bool_v = is_same_v<remove_cv_t<T>, bool>;

namespace detail {
template <typename T>
inline constexpr bool is_integral_raw = false;
template <>
inline constexpr bool is_integral_raw<bool> = true;
template <>
inline constexpr bool is_integral_raw<char> = true;
template <>
inline constexpr bool is_integral_raw<signed char> = true;
template <>
inline constexpr bool is_integral_raw<unsigned char> = true;
template <>
inline constexpr bool is_integral_raw<char8_t> = true;
template <>
inline constexpr bool is_integral_raw<char16_t> = true;
template <>
inline constexpr bool is_integral_raw<char32_t> = true;
template <>
inline constexpr bool is_integral_raw<short> = true;
template <>
inline constexpr bool is_integral_raw<unsigned short> = true;
template <>
inline constexpr bool is_integral_raw<int> = true;
template <>
inline constexpr bool is_integral_raw<unsigned int> = true;
template <>
inline constexpr bool is_integral_raw<long> = true;
template <>
inline constexpr bool is_integral_raw<unsigned long> = true;
template <>
inline constexpr bool is_integral_raw<long long> = true;
template <>
inline constexpr bool is_integral_raw<unsigned long long> = true;
} // namespace detail

template <typename T>
inline constexpr bool is_integral_v = detail::is_integral_raw<remove_cv_t<T>>;
template <typename T>
inline constexpr bool is_signed_v = is_integral_v<T> && (T(-1) < T(0));
template <typename T>
inline constexpr bool is_unsigned_v = is_integral_v<T> && !(T(-1) < T(0));

template <typename T>
inline constexpr bool is_enum_v = __is_enum(T);
template <typename T>
inline constexpr bool is_trivially_copyable_v = __is_trivially_copyable(T);
template <typename T>
inline constexpr bool is_standard_layout_v = __is_standard_layout(T);
#if defined(__clang__)
template <typename T>
inline constexpr bool is_trivially_destructible_v = __is_trivially_destructible(T);
#else
template <typename T>
inline constexpr bool is_trivially_destructible_v = __has_trivial_destructor(T);
#endif
template <typename T, typename... Args>
inline constexpr bool is_constructible_v = __is_constructible(T, Args...);
template <typename T>
inline constexpr bool is_copy_constructible_v = __is_constructible(T, const T&);
template <typename T>
inline constexpr bool is_move_constructible_v = __is_constructible(T, T&&);
namespace detail {
template <typename To>
void implicit_conversion_test(To) noexcept;
} // namespace detail
// True when From converts implicitly to To (portable: g++ 12 lacks the
// __is_convertible builtin).
template <typename From, typename To>
inline constexpr bool is_convertible_v =
    is_void_v<To> || requires { detail::implicit_conversion_test<To>(declval<From>()); };

// Concept form, usable in `{ expr } -> ConvertibleTo<R>;` requirements.
template <typename From, typename To>
concept ConvertibleTo = is_convertible_v<From, To>;

template <typename T>
struct is_trivially_copyable : integral_constant<bool, __is_trivially_copyable(T)> {};

// ---- enable_if / conditional ----------------------------------------------

template <bool B, typename T = void>
struct enable_if {};
template <typename T>
struct enable_if<true, T> {
    using type = T;
};
template <bool B, typename T = void>
using enable_if_t = typename enable_if<B, T>::type;

template <bool B, typename T, typename F>
struct conditional {
    using type = T;
};
template <typename T, typename F>
struct conditional<false, T, F> {
    using type = F;
};
template <bool B, typename T, typename F>
using conditional_t = typename conditional<B, T, F>::type;

// ---- move / forward / swap ----------------------------------------------

template <typename T>
[[nodiscard]] constexpr remove_reference_t<T>&& move(T&& v) noexcept {
    return static_cast<remove_reference_t<T>&&>(v);
}

template <typename T>
[[nodiscard]] constexpr T&& forward(remove_reference_t<T>& v) noexcept {
    return static_cast<T&&>(v);
}
template <typename T>
[[nodiscard]] constexpr T&& forward(remove_reference_t<T>&& v) noexcept {
    static_assert(!is_lvalue_reference_v<T>, "forward: rvalue forwarded as lvalue");
    return static_cast<T&&>(v);
}

template <typename T>
constexpr void swap(T& a, T& b) noexcept {
    T tmp = klib::move(a);
    a = klib::move(b);
    b = klib::move(tmp);
}

// Replaces `obj` with `v` and returns the old value.
template <typename T, typename U = T>
constexpr T exchange(T& obj, U&& v) noexcept {
    T old = klib::move(obj);
    obj = klib::forward<U>(v);
    return old;
}

// ---- min / max ---------------------------------------------------------

// Return by value so that `min(f(), g())` cannot hand back a dangling
// reference to a temporary.
template <typename T>
[[nodiscard]] constexpr T min(const T& a, const T& b) noexcept {
    return b < a ? b : a;
}
template <typename T>
[[nodiscard]] constexpr T max(const T& a, const T& b) noexcept {
    return a < b ? b : a;
}

// Largest value of an integral type.
template <typename T>
inline constexpr T max_value = is_signed_v<T> ? T((u64(1) << (sizeof(T) * 8 - 1)) - 1) : T(~T(0));

} // namespace klib

KLIB_TRUSTED_END
