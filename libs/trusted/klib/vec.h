// klib/vec.h - Vec<T>: growable array with fallible allocation, checked
// indexing and runtime borrow checking.
//
// Allocation never aborts: try_push/try_reserve/try_insert return
// Error::NoMemory and leave the Vec unchanged. Structural mutation (push,
// insert, remove, pop, clear, reserve, assignment, move-from, destruction)
// while an iterator or borrow guard is alive is a check failure
// ("Vec: mutation while borrowed"); see klib/borrow.h.
//
// Residual risk: a reference returned by operator[]/at/front/back is not
// tracked; `int& r = v[0]; (void)v.try_push(1); r = 2;` is a use after free
// the counter cannot see. Keep element references short-lived, or hold a
// borrow() guard while using them.
//
// Element code (constructors, assignments, destructors of T) may reach this
// Vec again through shared ownership (an Arc alias). While klib runs such
// code inside a structural mutation it holds a borrow, so a reentrant
// mutation is a check failure, and data_[0, size_) always holds live
// elements, so reentrant reads see only live objects.
//
// Mutation needs exclusive (non-const) access: protect a shared Vec with a
// lock. Const access may be shared between CPUs (an Arc<Vec<T>>): borrows
// taken through const are counted atomically (klib/borrow.h).
#pragma once

#include <klib/alloc.h>
#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/borrow.h>
#include <klib/new.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

#if defined(__clang__)
#pragma clang unsafe_buffer_usage begin
#endif

namespace klib {

template <typename T>
class Vec {
public:
    constexpr Vec() noexcept = default;
    Vec(const Vec&) = delete; // copying allocates: use try_clone()
    Vec& operator=(const Vec&) = delete;

    Vec(Vec&& o) noexcept {
        o.check_unborrowed();
        steal(o);
    }
    // `o` may live inside one of our elements (`v = move(v[0].kids)`): take
    // its buffer first, destroy our old elements afterwards.
    Vec& operator=(Vec&& o) noexcept {
        if (this != &o) {
            Vec old(klib::move(*this)); // checks that *this is unborrowed
            o.check_unborrowed();
            steal(o);
        } // old elements are destroyed here, *this already holds o's
        return *this;
    }
    ~Vec() {
        KLIB_CHECK(!borrows_.borrowed(), "Vec: destroyed while borrowed");
        release_storage();
    }

    // An empty Vec with room for `n` elements.
    static Result<Vec> with_capacity(usize n) {
        Vec v;
        TRY(v.try_reserve(n));
        return v;
    }

    // Element-wise copy; NoMemory if allocation fails.
    Result<Vec> try_clone() const
        requires is_copy_constructible_v<T>
    {
        Vec v;
        TRY(v.try_reserve(size_));
        Borrowed<const T> g = borrow(); // T's copy constructor must not mutate us
        for (usize i = 0; i < size_; ++i) {
            // SAFETY: capacity >= size_, slot i is uninitialised.
            ::new (static_cast<void*>(v.data_ + i)) T(data_[i]);
            v.size_ = i + 1;
        }
        return v;
    }

    usize size() const noexcept { return size_; }
    usize capacity() const noexcept { return cap_; }
    bool empty() const noexcept { return size_ == 0; }
    // Number of live borrows (iterators and guards); for tests and asserts.
    u32 borrow_count() const noexcept { return borrows_.count(); }

    // Checked element access (see the residual-risk note above).
    T& operator[](usize i) KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "Vec: index out of bounds");
        // SAFETY: i < size_, so slot i holds a live element.
        return data_[i];
    }
    const T& operator[](usize i) const KL_LIFETIMEBOUND {
        KLIB_CHECK(i < size_, "Vec: index out of bounds");
        return data_[i];
    }
    T& at(usize i) KL_LIFETIMEBOUND { return (*this)[i]; }
    const T& at(usize i) const KL_LIFETIMEBOUND { return (*this)[i]; }
    T& front() KL_LIFETIMEBOUND { return (*this)[0]; }
    const T& front() const KL_LIFETIMEBOUND { return (*this)[0]; }
    T& back() KL_LIFETIMEBOUND {
        KLIB_CHECK(size_ > 0, "Vec: index out of bounds");
        return data_[size_ - 1];
    }
    const T& back() const KL_LIFETIMEBOUND {
        KLIB_CHECK(size_ > 0, "Vec: index out of bounds");
        return data_[size_ - 1];
    }

    // Ensures capacity >= n. On failure the Vec is unchanged.
    Result<void> try_reserve(usize n) {
        check_unborrowed();
        if (n <= cap_) {
            return {};
        }
        return grow_to(n);
    }

    // Appends a value. On failure the Vec is unchanged (and `v` is dropped).
    Result<void> try_push(T v) { return try_emplace(klib::move(v)); }

    // Constructs an element at the end from `args`. The arguments may refer
    // to elements of this Vec: the new element is built before the old
    // storage is released.
    template <typename... Args>
    Result<void> try_emplace(Args&&... args) {
        check_unborrowed();
        MutationGuard g(borrows_);
        if (size_ < cap_) {
            // SAFETY: size_ < cap_, slot size_ is uninitialised storage.
            ::new (static_cast<void*>(data_ + size_)) T(klib::forward<Args>(args)...);
            ++size_;
            return {};
        }
        usize new_cap = next_capacity(size_ + 1);
        T* fresh = TRY(allocate(new_cap));
        // SAFETY: fresh has room for new_cap > size_ elements; construct the
        // new element first so args aliasing old elements are still valid.
        ::new (static_cast<void*>(fresh + size_)) T(klib::forward<Args>(args)...);
        relocate_into(fresh, new_cap);
        ++size_;
        return {};
    }

    // Inserts `v` before index i (i == size() appends). Fallible.
    Result<void> try_insert(usize i, T v) {
        check_unborrowed();
        KLIB_CHECK(i <= size_, "Vec: index out of bounds");
        TRY(try_push(klib::move(v)));
        MutationGuard g(borrows_);
        // Rotate the new last element down to position i.
        for (usize j = size_ - 1; j > i; --j) {
            klib::swap(data_[j], data_[j - 1]);
        }
        return {};
    }
    // Alias of try_insert, for readers who expect `insert`.
    Result<void> insert(usize i, T v) { return try_insert(i, klib::move(v)); }

    // Removes and returns element i, shifting later elements down.
    T remove(usize i) {
        check_unborrowed();
        KLIB_CHECK(i < size_, "Vec: index out of bounds");
        MutationGuard g(borrows_);
        T out = klib::move(data_[i]);
        for (usize j = i; j + 1 < size_; ++j) {
            data_[j] = klib::move(data_[j + 1]);
        }
        --size_;
        data_[size_].~T();
        return out;
    }

    // Removes and returns the last element; empty Vec is a check failure.
    T pop() {
        check_unborrowed();
        KLIB_CHECK(size_ > 0, "Vec: pop on empty");
        MutationGuard g(borrows_);
        --size_;
        T out = klib::move(data_[size_]);
        data_[size_].~T();
        return out;
    }
    // Removes and returns the last element, or none if empty.
    Optional<T> try_pop() {
        check_unborrowed();
        if (size_ == 0) {
            return none;
        }
        return pop();
    }

    // Destroys all elements; keeps the capacity.
    void clear() {
        check_unborrowed();
        destroy_all();
    }
    // Destroys elements [n, size()).
    void truncate(usize n) {
        check_unborrowed();
        MutationGuard g(borrows_);
        while (size_ > n) {
            --size_;
            data_[size_].~T();
        }
    }

    // A borrow guard over the elements: the Vec cannot be structurally
    // mutated while it lives. span() is the same, named for passing down.
    Borrowed<T> borrow() KL_LIFETIMEBOUND { return Borrowed<T>(borrows_, raw_span()); }
    Borrowed<const T> borrow() const KL_LIFETIMEBOUND {
        return Borrowed<const T>(borrows_, raw_span());
    }
    Borrowed<T> span() KL_LIFETIMEBOUND { return borrow(); }
    Borrowed<const T> span() const KL_LIFETIMEBOUND { return borrow(); }

    // Checked iterators; each holds a borrow until destroyed, so mutating
    // the Vec inside a range-for loop is a check failure.
    BorrowIter<T> begin() KL_LIFETIMEBOUND { return BorrowIter<T>(borrows_, data_, size_, 0); }
    BorrowIter<T> end() KL_LIFETIMEBOUND { return BorrowIter<T>(borrows_, data_, size_, size_); }
    BorrowIter<const T> begin() const KL_LIFETIMEBOUND {
        return BorrowIter<const T>(borrows_, data_, size_, 0);
    }
    BorrowIter<const T> end() const KL_LIFETIMEBOUND {
        return BorrowIter<const T>(borrows_, data_, size_, size_);
    }

    // Raw access for trusted code; untracked by the borrow counter.
    KLIB_UNSAFE T* unsafe_data() KL_LIFETIMEBOUND { return data_; }
    KLIB_UNSAFE const T* unsafe_data() const KL_LIFETIMEBOUND { return data_; }

    friend bool operator==(const Vec& a, const Vec& b) {
        if (a.size_ != b.size_) {
            return false;
        }
        for (usize i = 0; i < a.size_; ++i) {
            if (!(a.data_[i] == b.data_[i])) {
                return false;
            }
        }
        return true;
    }

private:
    void check_unborrowed() const {
        KLIB_CHECK(!borrows_.borrowed(), "Vec: mutation while borrowed");
    }

    // Held while element code runs inside a structural mutation (so with
    // exclusive access to the Vec): a reentrant mutation of this Vec is
    // then a check failure.
    class MutationGuard {
    public:
        explicit MutationGuard(const BorrowCounter& c) : c_(c) { c_.acquire_exclusive(); }
        MutationGuard(const MutationGuard&) = delete;
        MutationGuard& operator=(const MutationGuard&) = delete;
        ~MutationGuard() { c_.release_exclusive(); }

    private:
        const BorrowCounter& c_;
    };

    Span<T> raw_span() { return Span<T>::from_raw(data_, size_); }
    Span<const T> raw_span() const { return Span<const T>::from_raw(data_, size_); }

    // Geometric growth (x2, at least 4) so pushes are amortised O(1).
    usize next_capacity(usize needed) const noexcept {
        usize doubled = 0;
        if (__builtin_mul_overflow(cap_, usize(2), &doubled)) {
            doubled = needed;
        }
        return max(max(needed, doubled), usize(4));
    }

    static Result<T*> allocate(usize n) {
        usize bytes = 0;
        if (__builtin_mul_overflow(n, sizeof(T), &bytes)) {
            return Error::NoMemory;
        }
        void* p = raw_alloc(bytes, alignof(T));
        if (p == nullptr) {
            return Error::NoMemory;
        }
        // SAFETY: raw_alloc returned `bytes` bytes aligned for T; the
        // elements are constructed with placement new before use.
        return static_cast<T*>(p);
    }

    Result<void> grow_to(usize n) {
        T* fresh = TRY(allocate(n));
        MutationGuard g(borrows_);
        relocate_into(fresh, n);
        return {};
    }

    // Moves the live elements into `fresh` (capacity n) and frees the old
    // storage. Cannot fail. Caller holds a MutationGuard. Two phases, so
    // that data_[0, size_) holds live elements whenever T's code runs: move
    // everything, switch to the new buffer, then destroy the old elements.
    void relocate_into(T* fresh, usize n) {
        for (usize i = 0; i < size_; ++i) {
            // SAFETY: fresh has room for n >= size_ elements; slot i of
            // fresh is uninitialised, data_[i] is live.
            ::new (static_cast<void*>(fresh + i)) T(klib::move(data_[i]));
        }
        T* old = exchange(data_, fresh);
        usize old_cap = exchange(cap_, n);
        for (usize i = 0; i < size_; ++i) {
            // SAFETY: old[i] is a live, moved-from element no longer
            // reachable through the Vec; destroyed exactly once.
            old[i].~T();
        }
        if (old != nullptr) {
            raw_free(old, old_cap * sizeof(T), alignof(T));
        }
    }

    void destroy_all() {
        MutationGuard g(borrows_);
        while (size_ > 0) {
            --size_;
            data_[size_].~T();
        }
    }

    void release_storage() {
        destroy_all();
        if (data_ != nullptr) {
            raw_free(data_, cap_ * sizeof(T), alignof(T));
        }
        data_ = nullptr;
        cap_ = 0;
    }

    void steal(Vec& o) {
        data_ = exchange(o.data_, nullptr);
        size_ = exchange(o.size_, usize(0));
        cap_ = exchange(o.cap_, usize(0));
    }

    T* data_ = nullptr;
    usize size_ = 0;
    usize cap_ = 0;
    BorrowCounter borrows_;
};

} // namespace klib

#if defined(__clang__)
#pragma clang unsafe_buffer_usage end
#endif

KLIB_TRUSTED_END
