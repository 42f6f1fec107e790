// klib/box.h - Box<T>: single ownership of a heap object.
//
// Creation is fallible (Box<T>::make returns Error::NoMemory instead of
// aborting). Dereferencing an empty (moved-from) Box is a check failure.
// A Box<Derived> does not convert to Box<Base>: raw_free needs the exact
// allocation size.
#pragma once

#include <klib/alloc.h>
#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/utility.h>

namespace klib {

template <typename T>
class Box {
public:
    // Allocates and constructs a T from `args`; NoMemory on failure.
    template <typename... Args>
    static Result<Box> make(Args&&... args) {
        void* mem = raw_alloc(sizeof(T), alignof(T));
        if (mem == nullptr) {
            return Error::NoMemory;
        }
        // SAFETY: mem is a fresh allocation of sizeof(T) bytes aligned for T.
        return Box(::new (mem) T(klib::forward<Args>(args)...));
    }

    Box(Box&& o) noexcept : ptr_(exchange(o.ptr_, nullptr)) {}
    Box& operator=(Box&& o) noexcept {
        if (this != &o) {
            destroy();
            ptr_ = exchange(o.ptr_, nullptr);
        }
        return *this;
    }
    Box(const Box&) = delete;
    Box& operator=(const Box&) = delete;
    ~Box() { destroy(); }

    // False only for a moved-from Box.
    bool has_value() const noexcept { return ptr_ != nullptr; }
    explicit operator bool() const noexcept { return ptr_ != nullptr; }

    T& operator*() const KL_LIFETIMEBOUND {
        KLIB_CHECK(ptr_ != nullptr, "Box: access to empty Box");
        return *ptr_;
    }
    T* operator->() const KL_LIFETIMEBOUND {
        KLIB_CHECK(ptr_ != nullptr, "Box: access to empty Box");
        return ptr_;
    }

    // Gives up ownership; the caller must later pass the pointer to
    // Box::from_raw (or destroy and raw_free it itself).
    KLIB_UNSAFE T* leak() noexcept { return exchange(ptr_, nullptr); }
    // Takes ownership of a pointer obtained from leak().
    KLIB_UNSAFE static Box from_raw(T* p) noexcept { return Box(p); }

private:
    explicit Box(T* p) noexcept : ptr_(p) {}

    void destroy() noexcept {
        if (ptr_ != nullptr) {
            // SAFETY: ptr_ came from make()/from_raw(), so it owns a live T
            // in a raw_alloc(sizeof(T), alignof(T)) block; nulled afterwards.
            ptr_->~T();
            raw_free(ptr_, sizeof(T), alignof(T));
            ptr_ = nullptr;
        }
    }

    T* ptr_;
};

} // namespace klib
