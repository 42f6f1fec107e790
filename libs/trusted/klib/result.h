// klib/result.h - Error, Result<T, E> and the TRY / MUST propagation macros.
//
// Every fallible kernel operation returns Result. Errors propagate with
// TRY(expr); MUST(expr) asserts success (a check failure otherwise).
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/string_view.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// The framework's small error vocabulary; services map it to errno once.
// Keep KLIB_ERROR_LIST and the enum in sync (the X-macro generates both).
#define KLIB_ERROR_LIST(X)                                                                         \
    X(NoMemory)                                                                                    \
    X(InvalidArgument)                                                                             \
    X(OutOfRange)                                                                                  \
    X(NotFound)                                                                                    \
    X(Busy)                                                                                        \
    X(Fault)                                                                                       \
    X(Unsupported)                                                                                 \
    X(Exists)                                                                                      \
    X(WouldBlock)                                                                                  \
    X(IoError)                                                                                     \
    X(PermissionDenied)                                                                            \
    X(Overflow)                                                                                    \
    X(Interrupted)                                                                                 \
    X(TimedOut)                                                                                    \
    X(NoSpace)                                                                                     \
    X(BadState)

enum class Error : i32 {
#define KLIB_ERROR_ENUM(name) name,
    KLIB_ERROR_LIST(KLIB_ERROR_ENUM)
#undef KLIB_ERROR_ENUM
};

// Human-readable name of an error ("NoMemory"); "Unknown" for bad values.
constexpr StringView error_name(Error e) noexcept {
    switch (e) {
#define KLIB_ERROR_CASE(name)                                                                      \
    case Error::name:                                                                              \
        return #name;
        KLIB_ERROR_LIST(KLIB_ERROR_CASE)
#undef KLIB_ERROR_CASE
    }
    return "Unknown";
}

// An error value on its way into a Result of any value type: `return
// Err(Error::NoMemory);` works in a function returning Result<T> for any T.
template <typename E>
struct ErrTag {
    E error;
};
template <typename E>
constexpr ErrTag<E> Err(E e) noexcept {
    return ErrTag<E>{e};
}

// Either a T (success) or an E (failure). Accessing the wrong side is a check
// failure. [[nodiscard]]: ignoring a Result is a compile error under -Werror.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
    static_assert(!is_reference_v<T>, "Result<T&> is not supported");
    static_assert(is_trivially_copyable_v<E> && is_trivially_destructible_v<E>,
                  "Result<T, E>: E must be a plain error code");

public:
    using value_type = T;
    using error_type = E;

    // Success from a value (implicit so `return value;` works).
    template <typename U = T>
        requires(is_constructible_v<T, U &&> && !is_same_v<remove_cvref_t<U>, Result> &&
                 !is_same_v<remove_cvref_t<U>, E> && !is_same_v<remove_cvref_t<U>, ErrTag<E>>)
    constexpr Result(U&& v) : value_(klib::forward<U>(v)), state_(Ok) {}

    // Failure (implicit so `return Error::NotFound;` works).
    constexpr Result(E e) noexcept
        requires(!is_constructible_v<T, E>)
        : error_(e), state_(Err) {}
    template <typename F>
        requires is_convertible_v<F, E>
    constexpr Result(ErrTag<F> e) noexcept : error_(E(e.error)), state_(Err) {}

    constexpr Result(Result&& o) noexcept : error_(), state_(Err) { take(o); }
    // `o` may live inside our own value (`r = move(r->inner)`): it is moved
    // into a temporary before the old value is destroyed.
    constexpr Result& operator=(Result&& o) noexcept {
        if (this != &o) {
            check_not_busy();
            Result fresh(klib::move(o));
            destroy();
            take(fresh);
        }
        return *this;
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;

    constexpr ~Result() { destroy(); }

    constexpr bool is_ok() const noexcept { return state_ == Ok; }
    constexpr bool is_err() const noexcept { return state_ == Err; }

    constexpr T& value() & KL_LIFETIMEBOUND {
        KLIB_CHECK(state_ == Ok, "Result: value() on error");
        return value_;
    }
    constexpr const T& value() const& KL_LIFETIMEBOUND {
        KLIB_CHECK(state_ == Ok, "Result: value() on error");
        return value_;
    }
    constexpr T value() && { return release_value(); }
    // Moves the value out (the Result keeps a moved-from T).
    constexpr T release_value() {
        KLIB_CHECK(state_ == Ok, "Result: value() on error");
        return klib::move(value_);
    }
    constexpr E error() const {
        KLIB_CHECK(state_ == Err, "Result: error() on success");
        return error_;
    }

    constexpr T* operator->() KL_LIFETIMEBOUND { return &value(); }
    constexpr T& operator*() & KL_LIFETIMEBOUND { return value(); }

    // The fallback must convert implicitly (no explicit cast in trusted
    // code on the caller's behalf, e.g. int -> enum).
    template <typename U>
        requires is_convertible_v<U&&, T>
    constexpr T value_or(U&& fallback) && {
        return is_ok() ? klib::move(value_) : static_cast<T>(klib::forward<U>(fallback));
    }

private:
    enum State : u8 { Err, Ok, Busy };

    constexpr void check_not_busy() const {
        KLIB_CHECK(state_ != Busy, "Result: modified while its value is built or destroyed");
    }

    // Precondition: no member alive (state_ is Err with a trivially
    // destructible E, or right after destroy()). Moves o's member in.
    constexpr void take(Result& o) {
        o.check_not_busy();
        if (o.state_ == Ok) {
            // SAFETY: value_ is the inactive, uninitialised member here;
            // Busy while T's move constructor runs.
            state_ = Busy;
            ::new (static_cast<void*>(&value_)) T(klib::move(o.value_));
            state_ = Ok;
        } else {
            ::new (static_cast<void*>(&error_)) E(o.error_);
            state_ = Err;
        }
    }

    // Ends the live member's lifetime; leaves state_ Err with error_ not
    // alive (only take() or the end of the object's lifetime follow).
    constexpr void destroy() noexcept {
        check_not_busy();
        if (state_ == Ok) {
            state_ = Busy; // a reentrant access during ~T is a check failure
            value_.~T();
        } else {
            error_.~E();
        }
        state_ = Err;
    }

    // SAFETY: exactly one member is alive, selected by state_ (none while
    // Busy); every accessor checks state_ before touching a member.
    union {
        T value_;
        E error_;
    };
    State state_;
};

// Result without a value: success or an error. `return {};` is success.
template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    constexpr Result() noexcept : error_(), ok_(true) {}
    constexpr Result(E e) noexcept : error_(e), ok_(false) {}
    template <typename F>
        requires is_convertible_v<F, E>
    constexpr Result(ErrTag<F> e) noexcept : error_(E(e.error)), ok_(false) {}

    constexpr bool is_ok() const noexcept { return ok_; }
    constexpr bool is_err() const noexcept { return !ok_; }
    constexpr void value() const { KLIB_CHECK(ok_, "Result: value() on error"); }
    constexpr void release_value() const { KLIB_CHECK(ok_, "Result: value() on error"); }
    constexpr E error() const {
        KLIB_CHECK(!ok_, "Result: error() on success");
        return error_;
    }

private:
    E error_;
    bool ok_;
};

// A successful Result<void>.
constexpr Result<void> ok() noexcept {
    return {};
}

} // namespace klib

// Evaluates a Result-returning expression; on error returns the error from
// the enclosing function (which must return a Result with a compatible error
// type); on success the TRY expression yields the value (void for
// Result<void>). GNU statement expression, as in SerenityOS.
#define TRY(expr)                                                                                  \
    ({                                                                                             \
        auto&& _klib_try_r = (expr);                                                               \
        if (_klib_try_r.is_err()) [[unlikely]] {                                                   \
            return ::klib::Err(_klib_try_r.error());                                               \
        }                                                                                          \
        ::klib::move(_klib_try_r).release_value();                                                 \
    })

// As TRY, but on error returns `map(error)` (e.g. an errno converter) from
// the enclosing function; on success yields the value. The Result is
// held by value. Both arguments are parenthesised in the expansion, so
// no statement can be spliced into the statement expression: with TRY
// and MUST this is the only statement-expression shape checked code can
// reach (KS-UB refuses `({ ... })` written in checked files).
#define KLIB_TRY_MAP(expr, map)                                                                    \
    ({                                                                                             \
        auto _klib_try_map_r = (expr);                                                             \
        if (_klib_try_map_r.is_err()) [[unlikely]] {                                               \
            return (map)(_klib_try_map_r.error());                                                 \
        }                                                                                          \
        ::klib::move(_klib_try_map_r).release_value();                                             \
    })

// Evaluates a Result-returning expression that must succeed; failure is a
// check failure ("MUST: expression failed"). Yields the value.
#define MUST(expr)                                                                                 \
    ({                                                                                             \
        auto&& _klib_must_r = (expr);                                                              \
        KLIB_CHECK(_klib_must_r.is_ok(), "MUST: expression failed");                               \
        ::klib::move(_klib_must_r).release_value();                                                \
    })

KLIB_TRUSTED_END
