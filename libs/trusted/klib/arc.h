// klib/arc.h - Arc<T>: atomically reference-counted shared ownership.
//
// Creation is fallible (Arc<T>::make -> Result). Copies are explicit
// (clone()) so that refcount traffic is visible. The object is destroyed
// exactly once, when the last Arc is dropped. Dereferencing an empty
// (moved-from) Arc is a check failure. The pointee is shared: mutable state
// inside T needs its own lock or atomics.
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

template <typename T>
class Arc {
    struct Block {
        template <typename... Args>
        explicit Block(Args&&... args) : refs(1), value(klib::forward<Args>(args)...) {}
        u64 refs;
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
        return Arc(::new (mem) Block(klib::forward<Args>(args)...));
    }

    Arc(Arc&& o) noexcept : block_(exchange(o.block_, nullptr)) {}
    // `o` may live inside our own object (`a = move(a->next)`): take its
    // block first, drop the old one afterwards.
    Arc& operator=(Arc&& o) noexcept {
        if (this != &o) {
            drop(exchange(block_, exchange(o.block_, nullptr)));
        }
        return *this;
    }
    Arc(const Arc&) = delete; // use clone()
    Arc& operator=(const Arc&) = delete;
    ~Arc() { drop(exchange(block_, nullptr)); }

    // A new owner of the same object. Cannot fail (no allocation).
    Arc clone() const {
        KLIB_CHECK(block_ != nullptr, "Arc: access to empty Arc");
        // Relaxed is enough: the caller already owns a reference, so the
        // object cannot be freed concurrently (same argument as Rust's Arc).
        u64 old = __atomic_fetch_add(&block_->refs, 1, __ATOMIC_RELAXED);
        KLIB_CHECK(old < (u64(1) << 62), "Arc: refcount overflow");
        return Arc(block_);
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
        return block_->value;
    }
    const T* operator->() const KL_LIFETIMEBOUND {
        KLIB_CHECK(block_ != nullptr, "Arc: access to empty Arc");
        return &block_->value;
    }

    // True when both Arcs own the same object.
    bool ptr_eq(const Arc& o) const noexcept { return block_ == o.block_; }

private:
    explicit Arc(Block* b) noexcept : block_(b) {}

    // Drops a reference this Arc no longer holds (detached first, so T's
    // destructor reaching the Arc again cannot drop it a second time).
    static void drop(Block* b) noexcept {
        if (b == nullptr) {
            return;
        }
        // AcqRel: the release half publishes our writes to the thread that
        // frees the object; the acquire half (for the last owner) sees the
        // writes of all other owners before destroying.
        if (__atomic_fetch_sub(&b->refs, 1, __ATOMIC_ACQ_REL) == 1) {
            // SAFETY: refs reached zero, so no Arc refers to b; it was
            // constructed by make() in a raw_alloc'd Block.
            b->~Block();
            raw_free(b, sizeof(Block), alignof(Block));
        }
    }

    Block* block_;
};

} // namespace klib

KLIB_TRUSTED_END
