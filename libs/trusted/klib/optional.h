// klib/optional.h - Optional<T>: a value or nothing, with checked access.
//
// Accessing an empty Optional (value(), *, ->) is a check failure, never UB.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/types.h>
#include <klib/utility.h>

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
    constexpr Optional() noexcept : empty_(), has_(false) {}
    constexpr Optional(None) noexcept : empty_(), has_(false) {}

    // Implicit from a value (so `return v;` works in a function returning
    // Optional<T>).
    template <typename U = T>
        requires(is_constructible_v<T, U &&> && !is_same_v<remove_cvref_t<U>, Optional> &&
                 !is_same_v<remove_cvref_t<U>, None>)
    constexpr Optional(U&& v) : value_(klib::forward<U>(v)), has_(true) {}

    constexpr Optional(const Optional& o)
        requires is_copy_constructible_v<T>
        : empty_(), has_(false) {
        if (o.has_) {
            construct(o.value_);
        }
    }
    constexpr Optional(Optional&& o) noexcept : empty_(), has_(false) {
        if (o.has_) {
            construct(klib::move(o.value_));
        }
    }

    constexpr Optional& operator=(const Optional& o)
        requires is_copy_constructible_v<T>
    {
        if (this != &o) {
            reset();
            if (o.has_) {
                construct(o.value_);
            }
        }
        return *this;
    }
    constexpr Optional& operator=(Optional&& o) noexcept {
        if (this != &o) {
            reset();
            if (o.has_) {
                construct(klib::move(o.value_));
            }
        }
        return *this;
    }
    constexpr Optional& operator=(None) noexcept {
        reset();
        return *this;
    }

    constexpr ~Optional() { reset(); }

    constexpr bool has_value() const noexcept { return has_; }
    constexpr explicit operator bool() const noexcept { return has_; }

    constexpr T& value() & KL_LIFETIMEBOUND {
        KLIB_CHECK(has_, "Optional: access to empty");
        return value_;
    }
    constexpr const T& value() const& KL_LIFETIMEBOUND {
        KLIB_CHECK(has_, "Optional: access to empty");
        return value_;
    }
    // Moves the value out of an rvalue Optional.
    constexpr T value() && {
        KLIB_CHECK(has_, "Optional: access to empty");
        return klib::move(value_);
    }
    // Moves the value out and leaves the Optional empty.
    constexpr T release_value() {
        KLIB_CHECK(has_, "Optional: access to empty");
        T v = klib::move(value_);
        reset();
        return v;
    }

    constexpr T& operator*() & KL_LIFETIMEBOUND { return value(); }
    constexpr const T& operator*() const& KL_LIFETIMEBOUND { return value(); }
    constexpr T* operator->() KL_LIFETIMEBOUND { return &value(); }
    constexpr const T* operator->() const KL_LIFETIMEBOUND { return &value(); }

    template <typename U>
    constexpr T value_or(U&& fallback) const& {
        return has_ ? value_ : static_cast<T>(klib::forward<U>(fallback));
    }
    template <typename U>
    constexpr T value_or(U&& fallback) && {
        return has_ ? klib::move(value_) : static_cast<T>(klib::forward<U>(fallback));
    }

    // Destroys any held value and constructs a new one in place.
    template <typename... Args>
    constexpr T& emplace(Args&&... args) KL_LIFETIMEBOUND {
        reset();
        construct(klib::forward<Args>(args)...);
        return value_;
    }

    constexpr void reset() noexcept {
        if (has_) {
            value_.~T();
            has_ = false;
        }
    }

    friend constexpr bool operator==(const Optional& a, const Optional& b) {
        if (a.has_ != b.has_) {
            return false;
        }
        return !a.has_ || a.value_ == b.value_;
    }
    friend constexpr bool operator==(const Optional& a, None) { return !a.has_; }

private:
    template <typename... Args>
    constexpr void construct(Args&&... args) {
        // SAFETY: the union member value_ is not alive (has_ is false, checked
        // by all callers via reset() or construction), and its storage is
        // sized and aligned for T by the union.
        ::new (static_cast<void*>(&value_)) T(klib::forward<Args>(args)...);
        has_ = true;
    }

    // SAFETY: value_ is alive exactly when has_ is true; every access above
    // checks has_ first, and reset()/the destructor end its lifetime once.
    union {
        char empty_;
        T value_;
    };
    bool has_;
};

template <typename T>
Optional(T) -> Optional<T>;

} // namespace klib
