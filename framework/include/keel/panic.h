// Panic and assertions. A panic prints the message, the registers when it
// comes from a trap, and a symbolized backtrace, then stops the machine:
// under test (isa-debug-exit present) QEMU exits with a failure status.
#pragma once

#include <keel/log.h>
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace keel {

namespace detail {
[[noreturn]] void panic_write(klib::StringView fmt, klib::Span<const FmtArg> args);
}

// Stops the kernel with a formatted message. Never returns.
template <typename... Args>
[[noreturn]] inline void panic(klib::StringView fmt, const Args&... args) {
    if constexpr (sizeof...(Args) == 0) {
        detail::panic_write(fmt, {});
    } else {
        const detail::FmtArg list[] = {detail::fmt_arg(args)...};
        detail::panic_write(fmt, klib::Span<const detail::FmtArg>(list));
    }
}

} // namespace keel

// Panics with the failed condition's text and location when `cond` is false.
#define KEEL_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (__builtin_expect(!(cond), 0)) {                                                        \
            ::keel::panic("assertion failed: {} at {}:{}", #cond, __FILE__, __LINE__);             \
        }                                                                                          \
    } while (0)

// Like KEEL_ASSERT with an extra formatted explanation.
#define KEEL_ASSERT_MSG(cond, msg)                                                                 \
    do {                                                                                           \
        if (__builtin_expect(!(cond), 0)) {                                                        \
            ::keel::panic("assertion failed: {} ({}) at {}:{}", #cond, msg, __FILE__, __LINE__);   \
        }                                                                                          \
    } while (0)

KLIB_TRUSTED_END
