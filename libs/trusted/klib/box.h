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

KLIB_TRUSTED_BEGIN

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
    // `o` may live inside our own object (`b = move(b->child)`): take its
    // pointer first, destroy the old object afterwards.
    Box& operator=(Box&& o) noexcept {
        if (this != &o) {
            destroy(exchange(ptr_, exchange(o.ptr_, nullptr)));
        }
        return *this;
    }
    Box(const Box&) = delete;
    Box& operator=(const Box&) = delete;
    ~Box() { destroy(exchange(ptr_, nullptr)); }

    // False only for a moved-from Box.
    bool has_value() const noexcept { return ptr_ != nullptr; }
    explicit operator bool() const noexcept { return ptr_ != nullptr; }

    // Const is deep, as for any owner: a `const Box&` (e.g. inside an Arc)
    // gives only const access to the pointee, so one Arc clone cannot
    // mutate what another clone borrows.
    T& operator*() KL_LIFETIMEBOUND {
        KLIB_CHECK(ptr_ != nullptr, "Box: access to empty Box");
        return *ptr_;
    }
    const T& operator*() const KL_LIFETIMEBOUND {
        KLIB_CHECK(ptr_ != nullptr, "Box: access to empty Box");
        return *ptr_;
    }
    T* operator->() KL_LIFETIMEBOUND {
        KLIB_CHECK(ptr_ != nullptr, "Box: access to empty Box");
        return ptr_;
    }
    const T* operator->() const KL_LIFETIMEBOUND {
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

    // Destroys an object this Box no longer refers to, so T's destructor
    // reaching the Box again (through an Arc alias) sees it empty or holding
    // its new value, never the object being destroyed.
    static void destroy(T* p) noexcept {
        if (p != nullptr) {
            // SAFETY: p came from make()/from_raw(), so it owns a live T in a
            // raw_alloc(sizeof(T), alignof(T)) block, and was detached from
            // its Box: destroyed and freed exactly once.
            p->~T();
            raw_free(p, sizeof(T), alignof(T));
        }
    }

    T* ptr_;
};

} // namespace klib

KLIB_TRUSTED_END
