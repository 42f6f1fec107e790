// klib/borrow.h - runtime borrow tracking for klib containers (like Rust's
// RefCell, but only for structural mutation).
//
// A container owns a BorrowCounter. Iterators and borrow guards increment it
// for as long as they live; structural mutations (anything that can move or
// free elements) check that it is zero. Mutation of a klib container needs
// non-const access (protect it with a lock), but shared (const) borrows are
// taken through const: a container reached through an Arc may be iterated
// on several CPUs at once, so the counter is updated atomically.
//
// Residual risk (not tracked): element references from operator[], Spans
// and StringViews converted out of a guard, and raw pointers from
// unsafe_data(). They can dangle after a mutation; keep them short-lived.
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

// Count of live borrows of one container. Mutable so that const containers
// can lend (shared) borrows: a sync type in its own right.
//   shared:    a borrow taken through const access (Borrowed<const T>,
//              BorrowIter<const T>): other CPUs may take shared borrows of
//              the same container at the same time (an Arc<Vec<T>>), so the
//              count changes atomically (relaxed: it orders nothing else);
//   exclusive: a borrow or mutation guard taken with non-const access to
//              the container, which no other CPU can reach meanwhile (it
//              is owned, or behind a lock; shared owners see it only as
//              const): a plain increment, which the compiler may fold.
class BorrowCounter {
public:
    constexpr BorrowCounter() noexcept = default;
    // Copying a container does not copy its borrows.
    constexpr BorrowCounter(const BorrowCounter&) noexcept {}
    constexpr BorrowCounter& operator=(const BorrowCounter&) noexcept { return *this; }

    void acquire_shared() const {
        u32 old = __atomic_fetch_add(&count_, 1, __ATOMIC_RELAXED);
        KLIB_CHECK(old < (u32(1) << 31), "borrow counter overflow");
    }
    void release_shared() const noexcept { __atomic_fetch_sub(&count_, 1, __ATOMIC_RELAXED); }
    void acquire_exclusive() const {
        KLIB_CHECK(count_ < (u32(1) << 31), "borrow counter overflow");
        ++count_;
    }
    void release_exclusive() const noexcept { --count_; }
    // The kind follows the constness of the borrowed elements.
    template <typename T>
    void acquire_for() const {
        if constexpr (is_const_v<T>) {
            acquire_shared();
        } else {
            acquire_exclusive();
        }
    }
    template <typename T>
    void release_for() const noexcept {
        if constexpr (is_const_v<T>) {
            release_shared();
        } else {
            release_exclusive();
        }
    }

    bool borrowed() const noexcept { return count() != 0; }
    u32 count() const noexcept { return __atomic_load_n(&count_, __ATOMIC_RELAXED); }

private:
    mutable u32 count_ = 0;
};

// A live borrow of a container's elements: while it exists the container
// cannot be structurally mutated (check failure). Elements themselves may be
// modified through a Borrowed<T> with non-const T.
template <typename T>
class [[clang::annotate("keel_view")]] Borrowed {
public:
    Borrowed(const BorrowCounter& c, Span<T> s) : counter_(&c), span_(s) {
        c.template acquire_for<T>();
    }
    Borrowed(const Borrowed& o) : counter_(o.counter_), span_(o.span_) {
        if (counter_ != nullptr) {
            counter_->template acquire_for<T>();
        }
    }
    Borrowed(Borrowed&& o) noexcept : counter_(o.counter_), span_(o.span_) {
        o.counter_ = nullptr;
        o.span_ = Span<T>();
    }
    Borrowed& operator=(const Borrowed&) = delete;
    Borrowed& operator=(Borrowed&&) = delete;
    ~Borrowed() {
        if (counter_ != nullptr) {
            counter_->template release_for<T>();
        }
    }

    usize size() const noexcept { return span_.size(); }
    bool empty() const noexcept { return span_.empty(); }
    T& operator[](usize i) const KL_LIFETIMEBOUND { return span_[i]; }

    // The borrowed elements as a Span: valid while this guard lives. Meant
    // for passing down, as in `f(v.span())` (the guard lives until the end
    // of the full expression).
    Span<T> span() const KL_LIFETIMEBOUND { return span_; }
    // lifetimebound: `Span<T> s = v.span();` (the guard dies at once, the
    // span stays untracked) is a -Wdangling error; `f(v.span())` is fine.
    operator Span<T>() const KL_LIFETIMEBOUND { return span_; }
    template <typename U = T>
        requires(!is_const_v<U>)
    operator Span<const T>() const KL_LIFETIMEBOUND {
        return span_;
    }

    // Iteration is safe: the container cannot reallocate while this lives.
    T* begin() const KL_LIFETIMEBOUND { return span_.begin(); }
    T* end() const KL_LIFETIMEBOUND { return span_.end(); }

private:
    const BorrowCounter* counter_;
    Span<T> span_;
};

// Checked iterator that holds a borrow of its container for its lifetime.
// Dereferencing past the end is a check failure.
template <typename T>
class BorrowIter {
public:
    BorrowIter(const BorrowCounter& c, T* base, usize len, usize idx)
        : counter_(&c), base_(base), len_(len), idx_(idx) {
        c.template acquire_for<T>();
    }
    BorrowIter(const BorrowIter& o)
        : counter_(o.counter_), base_(o.base_), len_(o.len_), idx_(o.idx_) {
        counter_->template acquire_for<T>();
    }
    BorrowIter& operator=(const BorrowIter&) = delete;
    ~BorrowIter() { counter_->template release_for<T>(); }

    T& operator*() const {
        KLIB_CHECK(idx_ < len_, "iterator: dereference out of range");
        // SAFETY: idx_ < len_ and the borrow keeps base_[0..len_) alive and
        // in place (the container cannot reallocate while borrowed).
        return base_[idx_];
    }
    T* operator->() const { return &**this; }
    BorrowIter& operator++() {
        ++idx_;
        return *this;
    }
    bool operator==(const BorrowIter& o) const noexcept { return idx_ == o.idx_; }
    bool operator!=(const BorrowIter& o) const noexcept { return idx_ != o.idx_; }
    usize index() const noexcept { return idx_; }

private:
    const BorrowCounter* counter_;
    T* base_;
    usize len_;
    usize idx_;
};

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
