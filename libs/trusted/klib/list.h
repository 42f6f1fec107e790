// klib/list.h - intrusive doubly linked list.
//
// Objects embed their links by deriving from ListLink<T, Tag>, so insertion
// never allocates and cannot fail (kernel objects are listed in run queues,
// wait queues... without an allocation on the hot path). One object can be
// in several lists at once by deriving from several ListLinks with
// different Tag types.
//
//   struct Thread : klib::ListLink<Thread> { ... };
//   klib::IntrusiveList<Thread> runq;
//   runq.push_back(t);
//
// Checks: linking an already-linked node, unlinking a node that is not in
// this list, destroying a non-empty list, destroying a linked node, and
// destroying a list while an iterator is alive and mutating a list while it
// is being iterated are check failures.
//
// The list does not own its nodes: the caller must keep each node alive
// while linked (destroying a linked node is a check failure).
// Not thread-safe: protect with a lock.
//
// Framework only (KLIB_UNSAFE, refused in services by KS-UNSAFE-CALL): a
// linked node is reachable both through the list (front(), iteration) and
// through whatever owns it, so the list lends mutable access to an object
// someone else may also be changing (`const int& r = *l.front().v; n.v =
// ...` reads freed memory). Like intrusive lists in Rust, it needs unsafe
// code: the framework keeps each listed node reachable only through the
// list while it is linked (the scheduler's run and wait queues).
#pragma once

#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/borrow.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace klib {

struct DefaultListTag {};

template <typename T, typename Tag>
class IntrusiveList;

// The links embedded in a listed object. Copying an object does not copy its
// list membership.
template <typename T, typename Tag = DefaultListTag>
class ListLink {
public:
    constexpr ListLink() noexcept = default;
    constexpr ListLink(const ListLink&) noexcept {}
    constexpr ListLink& operator=(const ListLink&) noexcept { return *this; }
    ~ListLink() { KLIB_CHECK(owner_ == nullptr, "List: node destroyed while linked"); }

    // True while this node is in some list (for this Tag).
    bool is_linked() const noexcept { return owner_ != nullptr; }

private:
    friend class IntrusiveList<T, Tag>;
    ListLink* prev_ = nullptr;
    ListLink* next_ = nullptr;
    const IntrusiveList<T, Tag>* owner_ = nullptr;
};

template <typename T, typename Tag = DefaultListTag>
class KLIB_UNSAFE IntrusiveList {
    using Link = ListLink<T, Tag>;

public:
    constexpr IntrusiveList() noexcept = default;
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;
    // Iterators point back at the list (to release their borrow), so the
    // list must outlive them even when it is empty.
    ~IntrusiveList() {
        KLIB_CHECK(!borrows_.borrowed(), "List: destroyed while borrowed");
        KLIB_CHECK(head_ == nullptr, "List: destroyed while non-empty");
    }

    bool empty() const noexcept { return head_ == nullptr; }
    usize size() const noexcept { return size_; }

    void push_back(T& obj) { insert_between(link_of(obj), tail_, nullptr); }
    void push_front(T& obj) { insert_between(link_of(obj), nullptr, head_); }

    // Unlinks `obj`, which must be in this list.
    void remove(T& obj) {
        Link& l = link_of(obj);
        KLIB_CHECK(l.owner_ == this, "List: remove of node not in this list");
        check_unborrowed();
        (l.prev_ != nullptr ? l.prev_->next_ : head_) = l.next_;
        (l.next_ != nullptr ? l.next_->prev_ : tail_) = l.prev_;
        l.prev_ = l.next_ = nullptr;
        l.owner_ = nullptr;
        --size_;
    }

    // Whether `obj` is linked into this list (O(1)).
    bool contains(const T& obj) const noexcept {
        return static_cast<const Link&>(obj).owner_ == this;
    }

    // Const is deep: a const list (e.g. reached through an Arc) lends only
    // const elements.
    T& front() KL_LIFETIMEBOUND {
        KLIB_CHECK(head_ != nullptr, "List: front of empty list");
        return obj_of(*head_);
    }
    const T& front() const KL_LIFETIMEBOUND {
        KLIB_CHECK(head_ != nullptr, "List: front of empty list");
        return obj_of(*head_);
    }
    T& back() KL_LIFETIMEBOUND {
        KLIB_CHECK(tail_ != nullptr, "List: back of empty list");
        return obj_of(*tail_);
    }
    const T& back() const KL_LIFETIMEBOUND {
        KLIB_CHECK(tail_ != nullptr, "List: back of empty list");
        return obj_of(*tail_);
    }

    // Unlinks and returns the first element; empty list is a check failure.
    T& pop_front() {
        T& o = front();
        remove(o);
        return o;
    }
    T& pop_back() {
        T& o = back();
        remove(o);
        return o;
    }

    // Iterator holding a borrow of the list: linking/unlinking while any
    // iterator is alive is a check failure. U is T (from a non-const list)
    // or const T (from a const list).
    template <typename U>
    class BasicIter {
    public:
        BasicIter(const IntrusiveList& l, Link* at) : list_(&l), at_(at) {
            l.borrows_.template acquire_for<U>();
        }
        BasicIter(const BasicIter& o) : list_(o.list_), at_(o.at_) {
            list_->borrows_.template acquire_for<U>();
        }
        BasicIter& operator=(const BasicIter&) = delete;
        ~BasicIter() { list_->borrows_.template release_for<U>(); }
        U& operator*() const {
            KLIB_CHECK(at_ != nullptr, "iterator: dereference out of range");
            return obj_of(*at_);
        }
        U* operator->() const { return &**this; }
        BasicIter& operator++() {
            KLIB_CHECK(at_ != nullptr, "iterator: dereference out of range");
            at_ = at_->next_;
            return *this;
        }
        bool operator==(const BasicIter& o) const noexcept { return at_ == o.at_; }
        bool operator!=(const BasicIter& o) const noexcept { return at_ != o.at_; }

    private:
        const IntrusiveList* list_;
        Link* at_;
    };
    using Iter = BasicIter<T>;
    using ConstIter = BasicIter<const T>;

    Iter begin() KL_LIFETIMEBOUND { return Iter(*this, head_); }
    Iter end() KL_LIFETIMEBOUND { return Iter(*this, nullptr); }
    ConstIter begin() const KL_LIFETIMEBOUND { return ConstIter(*this, head_); }
    ConstIter end() const KL_LIFETIMEBOUND { return ConstIter(*this, nullptr); }

private:
    static Link& link_of(T& obj) noexcept { return static_cast<Link&>(obj); }
    static T& obj_of(Link& l) noexcept {
        // SAFETY: every Link in a list was linked through link_of(T&), so it
        // is the ListLink<T, Tag> base subobject of a live T (static_cast
        // down to the unique derived type is well defined).
        return static_cast<T&>(l);
    }

    void check_unborrowed() const {
        KLIB_CHECK(!borrows_.borrowed(), "List: mutation while borrowed");
    }

    void insert_between(Link& l, Link* prev, Link* next) {
        KLIB_CHECK(l.owner_ == nullptr, "List: node already linked");
        check_unborrowed();
        l.prev_ = prev;
        l.next_ = next;
        l.owner_ = this;
        (prev != nullptr ? prev->next_ : head_) = &l;
        (next != nullptr ? next->prev_ : tail_) = &l;
        ++size_;
    }

    Link* head_ = nullptr;
    Link* tail_ = nullptr;
    usize size_ = 0;
    BorrowCounter borrows_;
};

} // namespace klib

KLIB_TRUSTED_END
