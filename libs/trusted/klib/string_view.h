// klib/string_view.h - StringView: a checked, non-owning view of chars.
//
// Not NUL-terminated. Same lifetime caveat as Span: it does not keep the
// characters alive, so take views only of literals or of strings that
// outlive the view.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/span.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

class StringView {
public:
    static constexpr usize npos = ~usize(0);

    constexpr StringView() noexcept = default;

    // From a string literal; the trailing NUL is not part of the view.
    template <usize N>
    constexpr StringView(const char (&s)[N] KL_LIFETIMEBOUND) noexcept
        : data_(s), size_(N > 0 && s[N - 1] == '\0' ? N - 1 : N) {}

    constexpr StringView(Span<const char> s) noexcept : data_(s.unsafe_data()), size_(s.size()) {}

    // Unsafe: the caller promises `p` points to `n` chars that outlive the
    // view.
    KLIB_UNSAFE static constexpr StringView from_raw(const char* p, usize n) noexcept {
        return StringView(p, n);
    }

    // Unsafe: view of a NUL-terminated C string (boot command lines, ELF
    // symbol names). The caller promises it is terminated.
    KLIB_UNSAFE static constexpr StringView from_cstr(const char* p) noexcept {
        usize n = 0;
        while (p[n] != '\0') {
            ++n;
        }
        return StringView(p, n);
    }

    constexpr usize size() const noexcept { return size_; }
    constexpr usize length() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }

    constexpr const char& operator[](usize i) const KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "StringView: index out of bounds");
        // SAFETY: i < size_.
        return data_[i];
    }

    // Characters [pos, pos + len); pos must be <= size(), len is clamped
    // (like std::string_view::substr).
    constexpr StringView substr(usize pos, usize len = npos) const {
        KLIB_CHECK(pos <= size_, "StringView: substr out of bounds");
        usize rest = size_ - pos;
        // SAFETY: pos <= size_ and the new length is <= size_ - pos.
        return StringView(data_ + pos, len < rest ? len : rest);
    }

    constexpr bool operator==(StringView o) const noexcept {
        if (size_ != o.size_) {
            return false;
        }
        for (usize i = 0; i < size_; ++i) {
            if (data_[i] != o.data_[i]) {
                return false;
            }
        }
        return true;
    }

    constexpr bool starts_with(StringView p) const noexcept {
        return p.size_ <= size_ && StringView(data_, p.size_) == p;
    }
    constexpr bool ends_with(StringView p) const noexcept {
        return p.size_ <= size_ && StringView(data_ + (size_ - p.size_), p.size_) == p;
    }
    constexpr bool starts_with(char c) const noexcept { return size_ > 0 && data_[0] == c; }
    constexpr bool ends_with(char c) const noexcept { return size_ > 0 && data_[size_ - 1] == c; }

    // Index of the first occurrence of `needle` at or after `from`, or npos.
    // An empty needle matches at `from` (if from <= size()).
    constexpr usize find(StringView needle, usize from = 0) const noexcept {
        if (from > size_ || needle.size_ > size_ - from) {
            return npos;
        }
        for (usize i = from; i + needle.size_ <= size_; ++i) {
            if (StringView(data_ + i, needle.size_) == needle) {
                return i;
            }
        }
        return npos;
    }
    constexpr usize find(char c, usize from = 0) const noexcept {
        for (usize i = from; i < size_; ++i) {
            if (data_[i] == c) {
                return i;
            }
        }
        return npos;
    }
    constexpr bool contains(StringView needle) const noexcept { return find(needle) != npos; }
    constexpr bool contains(char c) const noexcept { return find(c) != npos; }

    constexpr Span<const char> span() const noexcept {
        return Span<const char>::from_raw(data_, size_);
    }
    constexpr const char* begin() const noexcept { return data_; }
    constexpr const char* end() const noexcept { return data_ + size_; }
    KLIB_UNSAFE constexpr const char* unsafe_data() const noexcept { return data_; }

private:
    constexpr StringView(const char* p, usize n) noexcept : data_(p), size_(n) {}

    const char* data_ = "";
    usize size_ = 0;
};

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
