// klib/string.h - String: an owned, growable byte string (not
// NUL-terminated) with fallible allocation and checked indexing.
//
// Residual risk: view() returns an untracked StringView that dangles if the
// String grows or is destroyed; use it for short-lived reads only.
#pragma once

#include <klib/alloc.h>
#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string_view.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

class String {
public:
    String() noexcept = default;
    String(const String&) = delete; // copying allocates: use try_clone()
    String& operator=(const String&) = delete;
    String(String&& o) noexcept
        : data_(exchange(o.data_, nullptr)), size_(exchange(o.size_, usize(0))),
          cap_(exchange(o.cap_, usize(0))) {}
    String& operator=(String&& o) noexcept {
        if (this != &o) {
            free_storage();
            data_ = exchange(o.data_, nullptr);
            size_ = exchange(o.size_, usize(0));
            cap_ = exchange(o.cap_, usize(0));
        }
        return *this;
    }
    ~String() { free_storage(); }

    // A String holding a copy of `s`; NoMemory on failure.
    static Result<String> from(StringView s) {
        String out;
        TRY(out.try_append(s));
        return out;
    }
    Result<String> try_clone() const { return from(view()); }

    usize size() const noexcept { return size_; }
    usize capacity() const noexcept { return cap_; }
    bool empty() const noexcept { return size_ == 0; }

    char& operator[](usize i) KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "String: index out of bounds");
        // SAFETY: i < size_.
        return data_[i];
    }
    const char& operator[](usize i) const KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "String: index out of bounds");
        return data_[i];
    }

    // Appends `s`, which may view this String itself. On failure the
    // String is unchanged.
    Result<void> try_append(StringView s) {
        if (s.empty()) {
            return {};
        }
        KLIB_CHECK(s.size() <= ~usize(0) - size_, "String: length overflow");
        usize need = size_ + s.size();
        if (need > cap_) {
            usize doubled = cap_ > (~usize(0) / 2) ? need : cap_ * 2;
            usize new_cap = max(max(need, doubled), usize(16));
            char* fresh = static_cast<char*>(raw_alloc(new_cap, 1));
            if (fresh == nullptr) {
                return Error::NoMemory;
            }
            // SAFETY: fresh has new_cap >= need bytes; the old buffer is
            // still alive here, so `s` stays valid even if it views it.
            if (size_ != 0) {
                __builtin_memcpy(fresh, data_, size_);
            }
            __builtin_memcpy(fresh + size_, s.unsafe_data(), s.size());
            free_storage();
            data_ = fresh;
            cap_ = new_cap;
            size_ = need;
            return {};
        }
        // SAFETY: need <= cap_; the target bytes [size_, need) are past the
        // live contents, so they cannot overlap `s` even if it views us.
        __builtin_memcpy(data_ + size_, s.unsafe_data(), s.size());
        size_ = need;
        return {};
    }
    Result<void> try_append(char c) {
        // SAFETY: `c` lives on the stack for the duration of the call.
        return try_append(StringView::from_raw(&c, 1));
    }
    Result<void> try_append(const String& s) { return try_append(s.view()); }

    void clear() noexcept { size_ = 0; }
    // Shortens to n bytes (n > size() is a check failure).
    void truncate(usize n) {
        KLIB_CHECK(n <= size_, "String: index out of bounds");
        size_ = n;
    }

    // The contents as a view (see the residual-risk note above).
    StringView view() const KL_LIFETIMEBOUND { return StringView::from_raw(data_, size_); }
    operator StringView() const KL_LIFETIMEBOUND { return view(); }

    bool operator==(const String& o) const noexcept { return view() == o.view(); }
    bool operator==(StringView o) const noexcept { return view() == o; }
    template <usize N>
    bool operator==(const char (&s)[N]) const noexcept {
        return view() == StringView(s);
    }

    bool starts_with(StringView p) const noexcept { return view().starts_with(p); }
    bool ends_with(StringView p) const noexcept { return view().ends_with(p); }
    bool contains(StringView p) const noexcept { return view().contains(p); }

    KLIB_UNSAFE char* unsafe_data() KL_LIFETIMEBOUND { return data_; }
    KLIB_UNSAFE const char* unsafe_data() const KL_LIFETIMEBOUND { return data_; }

private:
    void free_storage() noexcept {
        if (data_ != nullptr) {
            raw_free(data_, cap_, 1);
        }
        data_ = nullptr;
        size_ = 0;
        cap_ = 0;
    }

    char* data_ = nullptr;
    usize size_ = 0;
    usize cap_ = 0;
};

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
