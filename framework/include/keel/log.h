// Leveled, type-safe kernel logging.
//
//   keel::log_info("frames: {} free of {}", free, total);
//   keel::log_warn("bad entry at {:#x}", addr);
//
// Placeholders: {} (decimal / text), {:x} lower hex, {:#x} 0x-prefixed hex,
// and an optional zero-padded width such as {:016x} or {:08}. Arguments are
// integers, bool, char, klib::StringView and string literals; the format
// string is a literal or StringView. Output goes to the console (serial),
// one line per call. Safe to call from any context, including IRQ handlers;
// lines from different CPUs are not interleaved.
#pragma once

#include <klib/annotations.h>
#include <klib/span.h>
#include <klib/string_view.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace keel {

enum class LogLevel : u8 { Debug = 0, Info = 1, Warn = 2, Error = 3 };

namespace detail {

// One formatted argument. Built only by the templates below.
struct FmtArg {
    enum class Kind : u8 { Signed, Unsigned, Str, Char, Bool } kind;
    i64 s = 0;
    u64 u = 0;
    klib::StringView str;
};

inline FmtArg fmt_arg(klib::StringView v) {
    return {FmtArg::Kind::Str, 0, 0, v};
}
template <usize N>
inline FmtArg fmt_arg(const char (&v)[N]) {
    return {FmtArg::Kind::Str, 0, 0, klib::StringView(v)};
}
inline FmtArg fmt_arg(char v) {
    return {FmtArg::Kind::Char, 0, u64(u8(v)), {}};
}
inline FmtArg fmt_arg(bool v) {
    return {FmtArg::Kind::Bool, 0, v ? 1u : 0u, {}};
}
template <typename T>
    requires(__is_integral(T) && !__is_same(T, bool) && !__is_same(T, char))
inline FmtArg fmt_arg(T v) {
    if constexpr (T(-1) < T(0)) {
        return {FmtArg::Kind::Signed, i64(v), 0, {}};
    } else {
        return {FmtArg::Kind::Unsigned, 0, u64(v), {}};
    }
}
template <typename T>
    requires __is_enum
(T) inline FmtArg fmt_arg(T v) {
    using U = __underlying_type(T);
    return fmt_arg(static_cast<U>(v));
}

// Formats into the console. Not for direct use.
void log_write(LogLevel level, klib::StringView fmt, klib::Span<const FmtArg> args);

// Formats into `out`, truncating; returns the number of bytes written.
usize format_to(klib::Span<char> out, klib::StringView fmt, klib::Span<const FmtArg> args);

template <typename... Args>
inline void log(LogLevel level, klib::StringView fmt, const Args&... args) {
    if constexpr (sizeof...(Args) == 0) {
        log_write(level, fmt, {});
    } else {
        const FmtArg list[] = {fmt_arg(args)...};
        log_write(level, fmt, klib::Span<const FmtArg>(list));
    }
}

} // namespace detail

template <typename... Args>
inline void log_debug(klib::StringView fmt, const Args&... args) {
    detail::log(LogLevel::Debug, fmt, args...);
}
template <typename... Args>
inline void log_info(klib::StringView fmt, const Args&... args) {
    detail::log(LogLevel::Info, fmt, args...);
}
template <typename... Args>
inline void log_warn(klib::StringView fmt, const Args&... args) {
    detail::log(LogLevel::Warn, fmt, args...);
}
template <typename... Args>
inline void log_error(klib::StringView fmt, const Args&... args) {
    detail::log(LogLevel::Error, fmt, args...);
}

// Messages below this level are dropped (default Info; `loglevel=` or
// `quiet` on the command line change it).
void set_log_level(LogLevel level);

} // namespace keel

KLIB_TRUSTED_END
