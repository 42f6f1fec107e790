// Shallow const (issue 11, class 5): Arc<T> promises only `const T&`, but
// trusted types handed out mutable access from const members. Each test
// below has one Arc clone mutate what another clone borrows, with the real
// klib headers: a heap use-after-free under ASan.
#include <gtest/gtest.h>

#include "support.h"
#include <klib/arc.h>
#include <klib/box.h>
#include <klib/function.h>
#include <klib/list.h>
#include <klib/vec.h>

namespace {

using klib::Arc;
using klib::Box;
using klib::Function;
using klib::Vec;

// Box::operator*() const returned T&: through `const Box&` (all an Arc
// gives) the boxed Vec is replaced while a reference into it lives.
TEST(KlibDeepConstHole, BoxThroughArcUseAfterFree) {
    EXPECT_DEATH(
        {
            auto a = MUST(Arc<Box<Vec<int>>>::make(MUST(Box<Vec<int>>::make())));
            (void)(**a).try_push(1); // mutation through shared (const) access
            Arc<Box<Vec<int>>> b = a.clone();
            const int& r = (**a)[0]; // borrowed through clone a
            **b = Vec<int>();        // clone b frees the buffer
            printf("%d\n", r);
        },
        "heap-use-after-free");
}

// IntrusiveList::front() const returned T&: a listed node's Box is
// replaced through clone b while clone a reads through it.
struct LNode : klib::ListLink<LNode> {
    explicit LNode(int v) : v(MUST(Box<int>::make(v))) {}
    Box<int> v;
};
struct Listed {
    explicit Listed(LNode& n) { l.push_back(n); }
    ~Listed() {
        while (!l.empty()) {
            l.pop_front();
        }
    }
    klib::IntrusiveList<LNode> l;
};

TEST(KlibDeepConstHole, ListFrontThroughArcUseAfterFree) {
    EXPECT_DEATH(
        {
            LNode n(1);
            auto a = MUST(Arc<Listed>::make(n));
            Arc<Listed> b = a.clone();
            const int& r = *(*a).l.front().v;
            (*b).l.front().v = MUST(Box<int>::make(2)); // frees the int r refers to
            printf("%d\n", r);
        },
        "heap-use-after-free");
}

// The list's iterator from begin() const also yielded T&.
TEST(KlibDeepConstHole, ListIterThroughArcUseAfterFree) {
    EXPECT_DEATH(
        {
            LNode n(1);
            auto a = MUST(Arc<Listed>::make(n));
            Arc<Listed> b = a.clone();
            const int& r = *(*a).l.front().v;
            for (LNode& x : (*b).l) {
                x.v = MUST(Box<int>::make(2));
            }
            printf("%d\n", r);
        },
        "heap-use-after-free");
}

// Function::operator() const ran a `mutable` callable: a call through
// clone b reallocates the state a reference obtained through clone a
// points into.
TEST(KlibDeepConstHole, FunctionThroughArcUseAfterFree) {
    EXPECT_DEATH(
        {
            Vec<int> init;
            (void)init.try_push(1);
            auto f = MUST((Function<const int&(bool)>::make(
                [v = klib::move(init)](bool reset) mutable -> const int& {
                    if (reset) {
                        v = Vec<int>();
                        (void)v.try_push(2);
                    }
                    return v[0];
                })));
            auto a = MUST(Arc<Function<const int&(bool)>>::make(klib::move(f)));
            Arc<Function<const int&(bool)>> b = a.clone();
            const int& r = (*a)(false);
            (void)(*b)(true);
            printf("%d\n", r);
        },
        "heap-use-after-free");
}

// A `mutable` member of a service class: a const method of clone b frees
// what clone a borrows. (tools/safe-cxx accepted this before KS-CONST.)
struct Cached {
    mutable Vec<int> v;
    void reset() const { v = Vec<int>(); }
};

TEST(KlibDeepConstHole, MutableMemberThroughArcUseAfterFree) {
    EXPECT_DEATH(
        {
            auto a = MUST(Arc<Cached>::make());
            (void)(*a).v.try_push(1);
            Arc<Cached> b = a.clone();
            const int& r = (*a).v[0];
            (*b).reset();
            printf("%d\n", r);
        },
        "heap-use-after-free");
}

} // namespace
