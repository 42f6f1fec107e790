// klib/box.h - Box<T>: single ownership of a heap object.
//
// Creation is fallible (Box<T>::make returns Error::NoMemory instead of
// aborting). Dereferencing an empty (moved-from) Box is a check failure.
// A Box<Derived> converts to Box<Base> (implicit upcast) only when Base has a
// virtual destructor; such boxes of polymorphic types also carry the
// allocation's own disposer (destroy and free with the size and address of
// the most-derived object), so an upcast Box frees exactly what make()
// allocated.
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

namespace detail {
// Destroys and frees the object make<U>() allocated, given the address of
// the complete object (for a polymorphic type, found from any base
// subobject through its vtable).
using BoxDisposeFn = void (*)(void*) noexcept;
template <typename U>
void box_dispose_as(void* whole) noexcept {
    // SAFETY: `whole` is the address make<U>() got from raw_alloc(sizeof(U),
    // alignof(U)) and constructed a U in; destroyed and freed exactly once.
    U* u = static_cast<U*>(whole);
    u->~U();
    raw_free(u, sizeof(U), alignof(U));
}
} // namespace detail

template <typename T>
class Box {
    template <typename U>
    friend class Box;

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

    Box(Box&& o) noexcept : ptr_(exchange(o.ptr_, nullptr)), dispose_(o.dispose_) {}

    // Implicit upcast: Box<Base> from Box<Derived>, only when Base has a
    // virtual destructor (so nothing is destroyed as the wrong type) and
    // Derived is not the same type. The disposer still frees the
    // most-derived object.
    template <typename U>
        requires(!is_same_v<remove_cv_t<U>, remove_cv_t<T>> && __is_base_of(T, U) &&
                 __has_virtual_destructor(T))
    Box(Box<U>&& o) noexcept
        : ptr_(exchange(o.ptr_, nullptr)), dispose_(o.dispose_) {}
    // `o` may live inside our own object (`b = move(b->child)`): take its
    // pointer first, destroy the old object afterwards.
    Box& operator=(Box&& o) noexcept {
        if (this != &o) {
            const detail::BoxDisposeFn old = exchange(dispose_, o.dispose_);
            destroy(exchange(ptr_, exchange(o.ptr_, nullptr)), old);
        }
        return *this;
    }
    Box(const Box&) = delete;
    Box& operator=(const Box&) = delete;
    ~Box() { destroy(exchange(ptr_, nullptr), dispose_); }

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
    // Only for the exact type make() created (a leaked upcast Box would lose
    // its disposer).
    KLIB_UNSAFE T* leak() noexcept { return exchange(ptr_, nullptr); }
    // Takes ownership of a pointer obtained from leak() of a Box<T> made as
    // exactly T.
    KLIB_UNSAFE static Box from_raw(T* p) noexcept { return Box(p); }

private:
    explicit Box(T* p) noexcept : ptr_(p), dispose_(&detail::box_dispose_as<T>) {}

    // Destroys an object this Box no longer refers to, so T's destructor
    // reaching the Box again (through an Arc alias) sees it empty or holding
    // its new value, never the object being destroyed.
    static void destroy(T* p, detail::BoxDisposeFn d) noexcept {
        if (p == nullptr) {
            return;
        }
        // p came from make()/from_raw() (possibly as a derived type), was
        // detached from its Box, and `d` is the disposer of that type. An
        // upcast Box may point at a base subobject: the complete object's
        // address comes from the vtable (offset-to-top, no RTTI needed).
        if constexpr (__is_polymorphic(T)) {
            d(dynamic_cast<void*>(p));
        } else {
            d(p);
        }
    }

    T* ptr_;
    detail::BoxDisposeFn dispose_; // frees the type make() built
};

} // namespace klib

KLIB_TRUSTED_END
