// Deep const (issue 11, class 5). Arc<T> promises only `const T&`; trusted
// types used to hand out mutable access from const members, so one Arc clone
// could mutate what another clone borrows. The commit before the fix proved
// each hole with a death test under ASan (heap-use-after-free):
//   Box::operator*() const returning T&     **b = Vec<int>() while (**a)[0] lives
//   IntrusiveList::front() const / begin() const returning T&
//   Function::operator() const running a `mutable` lambda
// These are now compile-time regressions (the expressions that reached the
// use-after-free must not compile), plus tests that the legitimate
// mutations still work through non-const access. A `mutable` member of a
// service class is refused by the checker (KS-CONST, tests/safety/reject).
#include <gtest/gtest.h>

#include <thread>

#include "support.h"
#include <klib/arc.h>
#include <klib/array.h>
#include <klib/atomic.h>
#include <klib/box.h>
#include <klib/function.h>
#include <klib/list.h>
#include <klib/vec.h>

namespace {

using klib::Arc;
using klib::Box;
using klib::Function;
using klib::Vec;

// ---- Box -----------------------------------------------------------------

template <typename B>
concept DerefAssignable = requires(B& b) { *b = Vec<int>(); };
template <typename B>
concept ArrowMutable = requires(B& b) { b->try_push(1); };
template <typename A>
concept SharedBoxMutable = requires(const A& a) { **a = Vec<int>(); };

static_assert(DerefAssignable<Box<Vec<int>>>);
static_assert(!DerefAssignable<const Box<Vec<int>>>);
static_assert(ArrowMutable<Box<Vec<int>>>);
static_assert(!ArrowMutable<const Box<Vec<int>>>);
// The hole itself: mutation of a boxed value through an Arc clone.
static_assert(!SharedBoxMutable<Arc<Box<Vec<int>>>>);

TEST(KlibDeepConst, BoxIsMutableOnlyThroughNonConst) {
    Box<Vec<int>> b = MUST(Box<Vec<int>>::make());
    ASSERT_TRUE(b->try_push(1).is_ok());
    *b = Vec<int>();
    ASSERT_TRUE((*b).try_push(2).is_ok());
    const Box<Vec<int>>& cb = b;
    EXPECT_EQ((*cb)[0], 2);
    EXPECT_EQ(cb->size(), 1u);
}

TEST(KlibDeepConst, ArcOfBoxReadsThroughEveryClone) {
    auto a = MUST(Arc<Box<int>>::make(MUST(Box<int>::make(5))));
    Arc<Box<int>> b = a.clone();
    const int& r = **a;
    EXPECT_EQ(**b, 5);
    EXPECT_EQ(r, 5);
}

// ---- IntrusiveList ---------------------------------------------------------

struct LNode : klib::ListLink<LNode> {
    explicit LNode(int v) : v(MUST(Box<int>::make(v))) {}
    Box<int> v;
};
using List = klib::IntrusiveList<LNode>;

template <typename L>
concept FrontAssignable = requires(L& l, Box<int>&& x) { l.front().v = klib::move(x); };
template <typename L>
concept BackAssignable = requires(L& l, Box<int>&& x) { l.back().v = klib::move(x); };

static_assert(FrontAssignable<List>);
static_assert(!FrontAssignable<const List>);
static_assert(BackAssignable<List>);
static_assert(!BackAssignable<const List>);
static_assert(klib::is_same_v<decltype(*klib::declval<List&>().begin()), LNode&>);
static_assert(klib::is_same_v<decltype(*klib::declval<const List&>().begin()), const LNode&>);
static_assert(klib::is_same_v<decltype(klib::declval<const List&>().begin().operator->()),
                              const LNode*>);

struct Listed {
    explicit Listed(LNode& n) { l.push_back(n); }
    ~Listed() {
        while (!l.empty()) {
            l.pop_front();
        }
    }
    List l;
};
template <typename A>
concept SharedListMutable = requires(const A& a, Box<int>&& x) { (*a).l.front().v = klib::move(x); };
static_assert(!SharedListMutable<Arc<Listed>>);

TEST(KlibDeepConst, ListConstAccessIsConstAndMutableAccessWorks) {
    LNode n1(1), n2(2);
    List l;
    l.push_back(n1);
    l.push_back(n2);
    for (LNode& x : l) {
        *x.v += 10;
    }
    l.front().v = MUST(Box<int>::make(7));
    const List& cl = l;
    int sum = 0;
    for (const LNode& x : cl) {
        sum += *x.v;
    }
    EXPECT_EQ(sum, 7 + 12);
    EXPECT_EQ(*cl.front().v, 7);
    EXPECT_EQ(*cl.back().v, 12);
    l.pop_front();
    l.pop_front();
}

// ---- Function --------------------------------------------------------------

template <typename F>
concept ConstCallable = requires(const F& f) { f(false); };
static_assert(!ConstCallable<Function<const int&(bool)>>);
static_assert(ConstCallable<Function<int(bool) const>>);
template <typename A>
concept SharedCallable = requires(const A& a) { (*a)(false); };
// The hole itself: a FnMut-like Function called through an Arc clone.
static_assert(!SharedCallable<Arc<Function<const int&(bool)>>>);
static_assert(SharedCallable<Arc<Function<int(bool) const>>>);

// Function<Sig const> accepts only callables that are callable as const.
template <typename Sig, typename L>
concept Holds = requires(L l) { Function<Sig>::make(klib::move(l)); };
using MutableLambda = decltype([n = 0](bool) mutable { return ++n; });
using ConstLambda = decltype([n = 1](bool) { return n; });
static_assert(Holds<int(bool), MutableLambda>);
static_assert(!Holds<int(bool) const, MutableLambda>);
static_assert(Holds<int(bool) const, ConstLambda>);
// Const is deep inside the callable too: a const call sees its Box capture
// as const, so it cannot mutate through it.
struct MutatesBox {
    Box<int> b;
    int operator()(bool) { return ++*b; }
};
struct ReadsBox {
    Box<int> b;
    int operator()(bool) const { return *b; }
};
static_assert(!Holds<int(bool) const, MutatesBox>);
static_assert(Holds<int(bool) const, ReadsBox>);

TEST(KlibDeepConst, FnMutFunctionKeepsItsState) {
    auto f = MUST((Function<int()>::make([n = 0]() mutable { return ++n; })));
    EXPECT_EQ(f(), 1);
    EXPECT_EQ(f(), 2);
}

TEST(KlibDeepConst, ConstFunctionIsSharedThroughArc) {
    auto counter = MUST(Arc<klib::Atomic<int>>::make(0));
    auto f = MUST((Function<int(int) const>::make([c = counter.clone()](int d) {
        return (*c).fetch_add(d, klib::MemoryOrder::Relaxed) + d;
    })));
    auto a = MUST(Arc<Function<int(int) const>>::make(klib::move(f)));
    Arc<Function<int(int) const>> b = a.clone();
    EXPECT_EQ((*a)(2), 2);
    EXPECT_EQ((*b)(3), 5);
    EXPECT_EQ((*counter).load(klib::MemoryOrder::Relaxed), 5);
}

// ---- interior mutability only in sync types ------------------------------

TEST(KlibDeepConst, AtomicIsUpdatedThroughConst) {
    auto a = MUST(Arc<klib::Atomic<u64>>::make(u64(1)));
    Arc<klib::Atomic<u64>> b = a.clone();
    (*b).store(9, klib::MemoryOrder::Release);
    EXPECT_EQ((*a).exchange(4, klib::MemoryOrder::AcqRel), 9u);
    u64 expected = 4;
    EXPECT_TRUE((*a).compare_exchange(expected, 6, klib::MemoryOrder::AcqRel,
                                      klib::MemoryOrder::Relaxed));
    EXPECT_EQ((*b).fetch_or(1, klib::MemoryOrder::Relaxed), 6u);
    EXPECT_EQ((*a).load(klib::MemoryOrder::Acquire), 7u);
}

// Shared (const) borrows of a container reached through an Arc are counted
// atomically, and a const container has const front()/back().
TEST(KlibDeepConst, SharedVecBorrowsAreCounted) {
    Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    ASSERT_TRUE(v.try_push(2).is_ok());
    auto a = MUST(Arc<Vec<int>>::make(klib::move(v)));
    Arc<Vec<int>> b = a.clone();
    {
        auto g1 = (*a).span();
        auto g2 = (*b).span();
        EXPECT_EQ((*a).borrow_count(), 2u);
        EXPECT_EQ(g1[0] + g2[1], 3);
    }
    EXPECT_EQ((*b).borrow_count(), 0u);
    EXPECT_EQ((*a).front(), 1);
    EXPECT_EQ((*a).back(), 2);
    static_assert(klib::is_same_v<decltype((*a).front()), const int&>);
    const klib::Array<int, 2> arr{3, 4};
    EXPECT_EQ(arr.front() + arr.back(), 7);
}

// Shared borrows of one Arc<Vec> taken on two CPUs at once are counted
// atomically (a plain counter would lose updates: a data race).
TEST(KlibDeepConst, SharedBorrowsFromTwoThreadsAreCounted) {
    Vec<int> v;
    ASSERT_TRUE(v.try_push(1).is_ok());
    auto a = MUST(Arc<Vec<int>>::make(klib::move(v)));
    auto work = [](Arc<Vec<int>> mine, long* sum) {
        for (int i = 0; i < 200000; ++i) {
            auto g = (*mine).span();
            *sum += g[0];
        }
    };
    long s1 = 0, s2 = 0;
    std::thread t1(work, a.clone(), &s1);
    std::thread t2(work, a.clone(), &s2);
    t1.join();
    t2.join();
    EXPECT_EQ(s1 + s2, 400000);
    EXPECT_EQ((*a).borrow_count(), 0u);
}

} // namespace
