// klib/format.h - integer to text, without allocation surprises: into a
// caller's Span<char> (returns the length written) or appended to a String
// (fallible). Written in the safe subset.
#pragma once

#include <klib/array.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/types.h>
#include <klib/utility.h>

namespace klib {

// Longest text: "-9223372036854775808" (20) or 64 binary digits.
inline constexpr usize format_max_digits = 64;
using FormatBuffer = Array<char, format_max_digits + 1>;

namespace detail {

// Digits of `mag` in `base` (2..16), least significant first, written
// backwards into buf; returns the index of the first character.
constexpr usize render_unsigned(FormatBuffer& buf, u64 mag, u32 base, usize min_digits,
                                bool negative) {
    constexpr StringView digits = "0123456789abcdef";
    usize pos = buf.size();
    usize count = 0;
    while (mag != 0 || count < min_digits || count == 0) {
        --pos;
        buf[pos] = digits[mag % base];
        mag /= base;
        ++count;
    }
    if (negative) {
        --pos;
        buf[pos] = '-';
    }
    return pos;
}

template <typename I>
constexpr usize render(FormatBuffer& buf, I v, u32 base, usize min_digits) {
    KLIB_CHECK(base >= 2 && base <= 16, "format: bad base");
    KLIB_CHECK(min_digits <= format_max_digits, "format: too many digits");
    if constexpr (is_signed_v<I>) {
        bool negative = v < 0;
        // Unsigned negation: well defined even for the minimum value.
        u64 mag = negative ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
        return render_unsigned(buf, mag, base, min_digits, negative);
    } else {
        return render_unsigned(buf, static_cast<u64>(v), base, min_digits, false);
    }
}

constexpr Result<usize> write_tail(Span<char> out, const FormatBuffer& buf, usize pos) {
    usize len = buf.size() - pos;
    if (len > out.size()) {
        return Error::OutOfRange;
    }
    for (usize i = 0; i < len; ++i) {
        out[i] = buf[pos + i];
    }
    return len;
}

// Appends buf[pos..] in one step, so failure leaves `s` unchanged.
inline Result<void> append_tail(String& s, const FormatBuffer& buf, usize pos) {
    return s.try_append(StringView(buf.span().subspan(pos)));
}

} // namespace detail

template <typename I>
concept FormatInteger = is_integral_v<I> && !is_bool_v<I>;

// Decimal text of v into `out`; returns the length, or OutOfRange if `out`
// is too short (then `out` is unchanged).
template <FormatInteger I>
constexpr Result<usize> format_dec(Span<char> out, I v) {
    FormatBuffer buf{};
    usize pos = detail::render(buf, v, 10, 1);
    return detail::write_tail(out, buf, pos);
}

// Lower-case hex digits of v (no prefix), at least min_digits (zero
// padded). Negative signed values print as "-" and the magnitude.
template <FormatInteger I>
constexpr Result<usize> format_hex(Span<char> out, I v, usize min_digits = 1) {
    FormatBuffer buf{};
    usize pos = detail::render(buf, v, 16, min_digits);
    return detail::write_tail(out, buf, pos);
}

// Appends the decimal text of v; NoMemory on failure (String unchanged).
template <FormatInteger I>
Result<void> append_dec(String& s, I v) {
    FormatBuffer buf{};
    usize pos = detail::render(buf, v, 10, 1);
    return detail::append_tail(s, buf, pos);
}

// Appends "0x" and the hex digits of v (at least min_digits); NoMemory on
// failure (the String may then end with a bare "0x").
template <FormatInteger I>
Result<void> append_hex(String& s, I v, usize min_digits = 1) {
    FormatBuffer buf{};
    usize pos = detail::render(buf, v, 16, min_digits);
    TRY(s.try_append("0x"));
    return detail::append_tail(s, buf, pos);
}

} // namespace klib
