// klib/optional.h - Optional<T>: a value or nothing, with checked access.
//
// Accessing an empty Optional (value(), *, ->) is a check failure, never UB.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// The "no value" tag: `Optional<int> o = klib::none;`.
struct None {
    explicit constexpr None(int) noexcept {}
};
inline constexpr None none{0};

template <typename T>
class Optional {
    static_assert(!is_reference_v<T>, "Optional<T&> is not supported");

public:
    constexpr Optional() noexcept : empty_(), state_(Empty) {}
    constexpr Optional(None) noexcept : empty_(), state_(Empty) {}

    // Implicit from a value (so `return v;` works in a function returning
    // Optional<T>).
    template <typename U = T>
        requires(is_constructible_v<T, U &&> && !is_same_v<remove_cvref_t<U>, Optional> &&
                 !is_same_v<remove_cvref_t<U>, None>)
    constexpr Optional(U&& v) : value_(klib::forward<U>(v)), state_(Full) {}

    constexpr Optional(const Optional& o)
        requires is_copy_constructible_v<T>
        : empty_(), state_(Empty) {
        if (o.has_value()) {
            construct(o.value_);
        }
    }
    constexpr Optional(Optional&& o) noexcept : empty_(), state_(Empty) {
        if (o.has_value()) {
            construct(klib::move(o.value_));
        }
    }

    // `o` may live inside our own value (`opt = move(opt->child)`): the new
    // value is built before the old one is destroyed.
    constexpr Optional& operator=(const Optional& o)
        requires is_copy_constructible_v<T>
    {
        if (this != &o) {
            check_not_busy();
            if (!o.has_value()) {
                reset();
            } else if (!has_value()) {
                construct(o.value_);
            } else {
                replace(T(o.value_));
            }
        }
        return *this;
    }
    constexpr Optional& operator=(Optional&& o) noexcept {
        if (this != &o) {
            check_not_busy();
            if (!o.has_value()) {
                reset();
            } else if (!has_value()) {
                construct(klib::move(o.value_));
            } else {
                replace(T(klib::move(o.value_)));
            }
        }
        return *this;
    }
    constexpr Optional& operator=(None) noexcept {
        reset();
        return *this;
    }

    // A value that is being constructed or destroyed cannot be destroyed
    // again (a T's code reaching its own Optional through an Arc alias).
    constexpr ~Optional() {
        check_not_busy();
        reset();
    }

    constexpr bool has_value() const noexcept { return state_ == Full; }
    constexpr explicit operator bool() const noexcept { return state_ == Full; }

    constexpr T& value() & KL_LIFETIMEBOUND {
        KLIB_CHECK(state_ == Full, "Optional: access to empty");
        return value_;
    }
    constexpr const T& value() const& KL_LIFETIMEBOUND {
        KLIB_CHECK(state_ == Full, "Optional: access to empty");
        return value_;
    }
    // Moves the value out of an rvalue Optional.
    constexpr T value() && {
        KLIB_CHECK(state_ == Full, "Optional: access to empty");
        return klib::move(value_);
    }
    // Moves the value out and leaves the Optional empty.
    constexpr T release_value() {
        KLIB_CHECK(state_ == Full, "Optional: access to empty");
        T v = klib::move(value_);
        reset();
        return v;
    }

    constexpr T& operator*() & KL_LIFETIMEBOUND { return value(); }
    constexpr const T& operator*() const& KL_LIFETIMEBOUND { return value(); }
    constexpr T* operator->() KL_LIFETIMEBOUND { return &value(); }
    constexpr const T* operator->() const KL_LIFETIMEBOUND { return &value(); }

    // The fallback must convert implicitly (no explicit cast in trusted
    // code on the caller's behalf, e.g. int -> enum).
    template <typename U>
        requires is_convertible_v<U&&, T>
    constexpr T value_or(U&& fallback) const& {
        return has_value() ? value_ : static_cast<T>(klib::forward<U>(fallback));
    }
    // The fallback must convert implicitly (no explicit cast in trusted
    // code on the caller's behalf, e.g. int -> enum).
    template <typename U>
        requires is_convertible_v<U&&, T>
    constexpr T value_or(U&& fallback) && {
        return has_value() ? klib::move(value_) : static_cast<T>(klib::forward<U>(fallback));
    }

    // Destroys any held value and constructs a new one from `args`. The
    // arguments may refer to the held value (`o.emplace(move(*o))`): when
    // there is one, the new value is built first and then moved in, so
    // non-movable types can only be emplaced into an empty Optional.
    template <typename... Args>
    constexpr T& emplace(Args&&... args) KL_LIFETIMEBOUND {
        check_not_busy();
        if (has_value()) {
            if constexpr (is_move_constructible_v<T>) {
                replace(T(klib::forward<Args>(args)...));
                return value_;
            } else {
                KLIB_CHECK(false, "Optional: emplace over a non-movable value");
            }
        }
        construct(klib::forward<Args>(args)...);
        return value_;
    }

    constexpr void reset() noexcept {
        check_not_busy();
        if (state_ == Full) {
            // Busy while ~T runs: a reentrant access is a check failure,
            // never a second destruction.
            state_ = Busy;
            value_.~T();
            state_ = Empty;
        }
    }

    friend constexpr bool operator==(const Optional& a, const Optional& b) {
        if (a.has_value() != b.has_value()) {
            return false;
        }
        return !a.has_value() || a.value_ == b.value_;
    }
    friend constexpr bool operator==(const Optional& a, None) { return !a.has_value(); }

private:
    enum State : u8 { Empty, Full, Busy };

    constexpr void check_not_busy() const {
        KLIB_CHECK(state_ != Busy, "Optional: modified while its value is built or destroyed");
    }

    template <typename... Args>
    constexpr void construct(Args&&... args) {
        check_not_busy();
        // SAFETY: the union member value_ is not alive (state_ is Empty:
        // callers reset() first or checked has_value()), and its storage is
        // sized and aligned for T by the union. Busy while T's constructor
        // runs, so a reentrant emplace cannot build a second object here.
        state_ = Busy;
        ::new (static_cast<void*>(&value_)) T(klib::forward<Args>(args)...);
        state_ = Full;
    }

    // Replaces a held value with `fresh` (already built, so it cannot
    // alias the old value).
    constexpr void replace(T&& fresh) {
        reset();
        construct(klib::move(fresh));
    }

    // SAFETY: value_ is alive exactly when state_ is Full (or Busy inside
    // construct()/reset()); every access above checks state_ first, and
    // reset() ends its lifetime once.
    union {
        char empty_;
        T value_;
    };
    State state_;
};

template <typename T>
Optional(T) -> Optional<T>;

} // namespace klib

KLIB_TRUSTED_END
