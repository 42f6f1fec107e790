// klib/arc.h - Arc<T>: atomically reference-counted shared ownership.
//
// Creation is fallible (Arc<T>::make -> Result). Copies are explicit
// (clone()) so that refcount traffic is visible. The object is destroyed
// exactly once, when the last Arc is dropped. Dereferencing an empty
// (moved-from) Arc is a check failure. The pointee is shared: mutable state
// inside T needs its own lock or atomics.
//
// Arc<Derived> converts to Arc<Base> (implicit upcast) only when Base has a
// virtual destructor; the control block keeps the most-derived type's
// disposer, so the object is destroyed and freed as what make() built.
//
// Residual risk: a method of T that drops the last Arc to its own object
// while running (documented in the safety profile).
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
// The shared part of every Arc allocation: the count and how to free the
// block (which knows the most-derived type it was made with).
struct ArcCtrl {
    u64 refs;
    void (*dispose)(ArcCtrl*) noexcept;
};
} // namespace detail

template <typename T>
class Arc {
    template <typename U>
    friend class Arc;

    struct Block : detail::ArcCtrl {
        template <typename... Args>
        explicit Block(Args&&... args)
            : detail::ArcCtrl{1, &Block::dispose_block}, value(klib::forward<Args>(args)...) {}
        static void dispose_block(detail::ArcCtrl* c) noexcept {
            // SAFETY: c is the ArcCtrl base of a Block made by make(), whose
            // count reached zero: destroyed and freed exactly once.
            Block* b = static_cast<Block*>(c);
            b->~Block();
            raw_free(b, sizeof(Block), alignof(Block));
        }
        T value;
    };

public:
    // Allocates the refcount and a T constructed from `args` in one block;
    // NoMemory on failure.
    template <typename... Args>
    static Result<Arc> make(Args&&... args) {
        void* mem = raw_alloc(sizeof(Block), alignof(Block));
        if (mem == nullptr) {
            return Error::NoMemory;
        }
        // SAFETY: mem is a fresh allocation sized and aligned for Block.
        Block* b = ::new (mem) Block(klib::forward<Args>(args)...);
        return Arc(b, &b->value);
    }

    Arc(Arc&& o) noexcept : block_(exchange(o.block_, nullptr)), ptr_(exchange(o.ptr_, nullptr)) {}

    // Implicit upcast: Arc<Base> from Arc<Derived>, only when Base has a
    // virtual destructor and Derived is another type. Same object, same count.
    template <typename U>
        requires(!is_same_v<remove_cv_t<U>, remove_cv_t<T>> && __is_base_of(T, U) &&
                 __has_virtual_destructor(T))
    Arc(Arc<U>&& o) noexcept : block_(exchange(o.block_, nullptr)), ptr_(exchange(o.ptr_, nullptr)) {}
    // `o` may live inside our own object (`a = move(a->next)`): take its
    // block first, drop the old one afterwards.
    Arc& operator=(Arc&& o) noexcept {
        if (this != &o) {
            ptr_ = exchange(o.ptr_, nullptr);
            drop(exchange(block_, exchange(o.block_, nullptr)));
        }
        return *this;
    }
    Arc(const Arc&) = delete; // use clone()
    Arc& operator=(const Arc&) = delete;
    ~Arc() {
        ptr_ = nullptr;
        drop(exchange(block_, nullptr));
    }

    // A new owner of the same object. Cannot fail (no allocation).
    Arc clone() const {
        KLIB_CHECK(block_ != nullptr, "Arc: access to empty Arc");
        // Relaxed is enough: the caller already owns a reference, so the
        // object cannot be freed concurrently (same argument as Rust's Arc).
        u64 old = __atomic_fetch_add(&block_->refs, 1, __ATOMIC_RELAXED);
        KLIB_CHECK(old < (u64(1) << 62), "Arc: refcount overflow");
        return Arc(block_, ptr_);
    }

    // A new owner of the same object as a base type (the upcast of clone()).
    template <typename B>
        requires(!is_same_v<remove_cv_t<B>, remove_cv_t<T>> && __is_base_of(B, T) &&
                 __has_virtual_destructor(B))
    Arc<B> clone_as() const {
        Arc c = clone();
        return Arc<B>(klib::move(c));
    }

    // Current number of owners (a snapshot; may change concurrently).
    u64 ref_count() const noexcept {
        return block_ == nullptr ? 0 : __atomic_load_n(&block_->refs, __ATOMIC_RELAXED);
    }

    bool has_value() const noexcept { return block_ != nullptr; }
    explicit operator bool() const noexcept { return block_ != nullptr; }

    // Shared access is read-only, as with Rust's Arc: several owners (and,
    // with SMP, several CPUs) may reach the object at once, so mutation must
    // go through a lock or atomics inside it (e.g. Arc<SpinLock<T>>).
    const T& operator*() const KL_LIFETIMEBOUND {
        KLIB_CHECK(block_ != nullptr, "Arc: access to empty Arc");
        return *ptr_;
    }
    const T* operator->() const KL_LIFETIMEBOUND {
        KLIB_CHECK(block_ != nullptr, "Arc: access to empty Arc");
        return ptr_;
    }

    // For klib::downcast (klib/downcast.h), which checks the dynamic type
    // first: a new owner of the same object as D. Unsafe unless the object's
    // most-derived type is D.
    template <typename D>
    KLIB_UNSAFE Arc<D> unchecked_downcast_clone() const {
        Arc c = clone();
        // SAFETY: the caller checked that the object is a D.
        D* d = static_cast<D*>(exchange(c.ptr_, nullptr));
        return Arc<D>(exchange(c.block_, nullptr), d);
    }

    // True when both Arcs own the same object (also across an upcast).
    template <typename U>
    bool ptr_eq(const Arc<U>& o) const noexcept {
        return block_ == o.block_;
    }

private:
    Arc(detail::ArcCtrl* b, T* p) noexcept : block_(b), ptr_(p) {}

    // Drops a reference this Arc no longer holds (detached first, so T's
    // destructor reaching the Arc again cannot drop it a second time).
    static void drop(detail::ArcCtrl* b) noexcept {
        if (b == nullptr) {
            return;
        }
        // AcqRel: the release half publishes our writes to the thread that
        // frees the object; the acquire half (for the last owner) sees the
        // writes of all other owners before destroying.
        if (__atomic_fetch_sub(&b->refs, 1, __ATOMIC_ACQ_REL) == 1) {
            // refs reached zero, so no Arc refers to b; its disposer
            // destroys it as the Block type make() constructed.
            b->dispose(b);
        }
    }

    detail::ArcCtrl* block_;
    T* ptr_; // the object, as this Arc's type (an upcast may adjust it)
};

} // namespace klib

KLIB_TRUSTED_END
