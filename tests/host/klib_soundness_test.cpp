// Regression tests for soundness holes found in the klib audit: aliasing
// between `*this` and an argument, reentrancy from element code reaching a
// container through an Arc alias, destruction while borrowed, and
// signatures that let a dangling reference or view through. Each test fails
// (ASan report, wrong death message or compile error) without its fix.
#include <gtest/gtest.h>

#include "support.h"
#include <klib/arc.h>
#include <klib/box.h>
#include <klib/function.h>
#include <klib/list.h>
#include <klib/optional.h>
#include <klib/pod.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace {

using klib::Arc;
using klib::Box;
using klib::Function;
using klib::Optional;
using klib::Result;
using klib::Span;
using klib::Vec;

// ---- move-assignment from a part of the destination -------------------

struct Tree {
    int payload = 0;
    Vec<Tree> kids;
};

// Reentrancy tests need a destructor that reaches back into its owner.
// Through klib's safe API that path is closed (Arc gives const access, and a
// SpinLock refuses recursive acquisition); the library's own defences are
// still tested here by reaching in with a const_cast, as only trusted code can.
template <typename T>
T& mut(const Arc<T>& a) {
    return const_cast<T&>(*a);
}

TEST(KlibSoundness, VecMoveAssignFromOwnElement) {
    Vec<Tree> v;
    ASSERT_TRUE(v.try_push(Tree{1, {}}).is_ok());
    ASSERT_TRUE(v[0].kids.try_push(Tree{7, {}}).is_ok());
    ASSERT_TRUE(v[0].kids.try_push(Tree{8, {}}).is_ok());
    v = klib::move(v[0].kids); // old v (holding the source) dies afterwards
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].payload, 7);
    EXPECT_EQ(v[1].payload, 8);
}

struct OptNode {
    int payload = 0;
    Optional<Box<OptNode>> inner;
};

TEST(KlibSoundness, OptionalMoveAssignFromOwnValue) {
    Optional<Box<OptNode>> o = MUST(Box<OptNode>::make(1));
    (*o.value()).inner = MUST(Box<OptNode>::make(2));
    o = klib::move((*o.value()).inner);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ((*o.value()).payload, 2);
}

// A copyable type owning heap memory: reading a destroyed one is an ASan
// report, not a silently-null read.
struct HeapInt {
    explicit HeapInt(int v) : p(new int(v)) {}
    HeapInt(const HeapInt& o) : p(new int(*o.p)) {}
    HeapInt& operator=(const HeapInt&) = delete;
    ~HeapInt() { delete p; }
    int* p;
};

TEST(KlibSoundness, OptionalEmplaceFromOwnValue) {
    Optional<HeapInt> o(HeapInt(5));
    o.emplace(o.value()); // copy of the held value, then replace
    EXPECT_EQ(*o.value().p, 5);
    Optional<Vec<int>> ov = Vec<int>();
    ASSERT_TRUE(ov.value().try_push(3).is_ok());
    ov.emplace(klib::move(ov.value()));
    ASSERT_EQ(ov.value().size(), 1u);
    EXPECT_EQ(ov.value()[0], 3);
}

TEST(KlibSoundness, OptionalCopyAssignFromOwnValue) {
    struct Node {
        int payload;
        Optional<Arc<Node>> next;
    };
    // o = a clone of an Arc living inside o's own value: the old value
    // (which holds the source) is dropped only after the clone is taken.
    Optional<Arc<Node>> o = MUST(
        Arc<Node>::make(1, Optional<Arc<Node>>(MUST(Arc<Node>::make(2, Optional<Arc<Node>>())))));
    o = (*o.value()).next.value().clone();
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ((*o.value()).payload, 2);
}

struct BoxNode {
    int payload = 0;
    Optional<Box<BoxNode>> child;
};

TEST(KlibSoundness, BoxMoveAssignFromOwnPointee) {
    Box<BoxNode> b = MUST(Box<BoxNode>::make(1));
    (*b).child = MUST(Box<BoxNode>::make(2));
    b = klib::move((*b).child.value());
    EXPECT_EQ((*b).payload, 2);
}

struct ArcNode {
    int payload = 0;
    Optional<Arc<ArcNode>> next;
};

TEST(KlibSoundness, ArcAssignFromCloneOfOwnPointee) {
    // Shared access through Arc is read-only, so the pointee cannot be
    // moved out of; assigning a clone of an Arc the object itself holds must
    // keep the source alive until the clone is taken.
    static_assert(
        klib::is_const_v<klib::remove_reference_t<decltype(*klib::declval<Arc<ArcNode>&>())>>);
    Arc<ArcNode> a =
        MUST(Arc<ArcNode>::make(1, Optional<Arc<ArcNode>>(MUST(Arc<ArcNode>::make(2)))));
    a = (*a).next.value().clone();
    EXPECT_EQ((*a).payload, 2);
    EXPECT_EQ(a.ref_count(), 1u);
}

TEST(KlibSoundness, ResultMoveAssignFromOwnValue) {
    struct RNode {
        int payload;
        Box<Result<Box<int>>> inner;
    };
    Result<Box<RNode>> r = MUST(Box<RNode>::make(
        1, MUST(Box<Result<Box<int>>>::make(Result<Box<int>>(MUST(Box<int>::make(9)))))));
    Result<Box<int>> leaf = MUST(Box<int>::make(3));
    leaf = klib::move(*(*r.value()).inner); // plain move
    EXPECT_EQ(*leaf.value(), 9);
    Result<Box<RNode>> r2 = MUST(Box<RNode>::make(
        2, MUST(Box<Result<Box<int>>>::make(Result<Box<int>>(klib::Error::NotFound)))));
    r2 = klib::move(r); // r2's old value dies after r is taken
    EXPECT_EQ((*r2.value()).payload, 1);
}

struct ResNode {
    int payload = 0;
    Optional<Box<Result<ResNode>>> inner;
};

TEST(KlibSoundness, ResultAssignFromInsideOwnValue) {
    Result<ResNode> r = ResNode{1, {}};
    r.value().inner = MUST(Box<Result<ResNode>>::make(ResNode{2, {}}));
    r = klib::move(*r.value().inner.value());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r.value().payload, 2);
}

// ---- reentrancy: element code reaching its container through an Arc ----

// A shared holder, as a service would build it: an Arc to a struct that
// owns the container under test.
struct DropHolder;
struct DropReenter {
    Optional<Arc<DropHolder>> back;
    ~DropReenter();
};
struct DropHolder {
    DropHolder() : b(MUST(Box<DropReenter>::make())) {}
    Box<DropReenter> b;
    int rounds = 0;
};
DropReenter::~DropReenter() {
    if (back.has_value()) {
        DropHolder& h = mut(back.value());
        if (h.rounds++ == 0) {
            // Reentrant move-assignment into the Box that is destroying us:
            // the old pointer must already be detached (no double free).
            h.b = MUST(Box<DropReenter>::make());
        }
        back.value() = klib::move(back.value()); // self-move: a no-op
    }
}

TEST(KlibSoundness, BoxReentrantAssignFromDestructor) {
    Arc<DropHolder> h = MUST(Arc<DropHolder>::make());
    mut(h).b = MUST(Box<DropReenter>::make(Optional<Arc<DropHolder>>(h.clone())));
    // Replace: destroys the DropReenter above, whose destructor assigns
    // into mut(h).b again.
    mut(h).b = MUST(Box<DropReenter>::make());
    EXPECT_EQ(mut(h).rounds, 1);
    EXPECT_EQ(h.ref_count(), 1u);
}

struct OptHolder;
struct OptReenter {
    Optional<Arc<OptHolder>> back;
    ~OptReenter();
};
struct OptHolder {
    Optional<OptReenter> o;
};
OptReenter::~OptReenter() {
    if (back.has_value()) {
        Arc<OptHolder> h = klib::move(back.value());
        mut(h).o.reset(); // reentrant: the Optional is destroying us
    }
}

TEST(KlibSoundnessDeath, OptionalReentrantResetFromDestructor) {
    EXPECT_DEATH(
        {
            Arc<OptHolder> h = MUST(Arc<OptHolder>::make());
            mut(h).o.emplace(Optional<Arc<OptHolder>>(h.clone()));
            mut(h).o.reset();
        },
        "Optional: modified while its value is built or destroyed");
}

struct VecHolder;
struct VecReenter {
    Optional<Arc<VecHolder>> back;
    VecReenter() = default;
    explicit VecReenter(Arc<VecHolder> h) : back(klib::move(h)) {}
    VecReenter(VecReenter&&) = default;
    VecReenter& operator=(VecReenter&&) = default;
    ~VecReenter();
};
struct VecHolder {
    Vec<VecReenter> v;
};
VecReenter::~VecReenter() {
    if (back.has_value() && back.value().has_value()) { // not moved-from
        Arc<VecHolder> h = klib::move(back.value());
        // Reentrant push into the Vec whose clear() is destroying us: it
        // would construct into the slot being destroyed.
        (void)mut(h).v.try_push(VecReenter());
    }
}

TEST(KlibSoundnessDeath, VecReentrantPushFromElementDestructor) {
    EXPECT_DEATH(
        {
            Arc<VecHolder> h = MUST(Arc<VecHolder>::make());
            ASSERT_TRUE(mut(h).v.try_reserve(4).is_ok());
            ASSERT_TRUE(mut(h).v.try_push(VecReenter(h.clone())).is_ok());
            mut(h).v.clear();
        },
        "Vec: mutation while borrowed");
}

// Element move constructor that reads the Vec being relocated: every slot
// it can reach must hold a live element, never one whose destructor ran.
struct RelocHolder;
struct RelocProbe {
    static constexpr u32 LIVE = 0x11fe, DEAD = 0xdead;
    u32 state = LIVE;
    Optional<Arc<RelocHolder>> back;
    explicit RelocProbe(Optional<Arc<RelocHolder>> b) : back(klib::move(b)) {}
    RelocProbe(RelocProbe&& o) noexcept;
    RelocProbe& operator=(RelocProbe&&) = delete;
    ~RelocProbe() { state = DEAD; }
};
struct RelocHolder {
    Vec<RelocProbe> v;
    int dead_seen = 0;
};
RelocProbe::RelocProbe(RelocProbe&& o) noexcept {
    if (o.back.has_value() && o.back.value().has_value()) {
        Arc<RelocHolder> h = klib::move(o.back.value()); // breaks the cycle
        for (usize i = 0; i < mut(h).v.size(); ++i) {
            if (mut(h).v[i].state != LIVE) {
                ++mut(h).dead_seen;
            }
        }
    }
}

TEST(KlibSoundness, VecRelocationKeepsLiveElementsVisible) {
    Arc<RelocHolder> h = MUST(Arc<RelocHolder>::make());
    ASSERT_TRUE(mut(h).v.try_reserve(2).is_ok());
    ASSERT_TRUE(mut(h).v.try_push(RelocProbe({})).is_ok());
    ASSERT_TRUE(mut(h).v.try_push(RelocProbe({})).is_ok());
    // Give slot 1 the back reference; its move during relocation reads v.
    mut(h).v[1].back = h.clone();
    ASSERT_TRUE(mut(h).v.try_reserve(64).is_ok()); // relocates both
    EXPECT_EQ(mut(h).v.size(), 2u);
    EXPECT_EQ(mut(h).dead_seen, 0);
}

struct FnHolder {
    Optional<Function<int()>> f;
};

TEST(KlibSoundnessDeath, FunctionDestroyedWhileBeingCalled) {
    EXPECT_DEATH(
        {
            Arc<FnHolder> h = MUST(Arc<FnHolder>::make());
            Box<int> captured = MUST(Box<int>::make(41));
            mut(h).f = MUST(
                Function<int()>::make([hh = h.clone(), c = klib::move(captured)]() mutable -> int {
                    mut(hh).f.reset(); // destroys this lambda and its captures
                    return *c + 1;
                }));
            (void)mut(h).f.value()();
        },
        "Function: destroyed while being called");
}

// ---- destruction while borrowed ----------------------------------------

struct LNode : klib::ListLink<LNode> {
    int v = 0;
};

TEST(KlibSoundnessDeath, ListDestroyedWhileIterated) {
    EXPECT_DEATH(
        {
            Box<klib::IntrusiveList<LNode>> b = MUST(Box<klib::IntrusiveList<LNode>>::make());
            Box<klib::IntrusiveList<LNode>> other = MUST(Box<klib::IntrusiveList<LNode>>::make());
            auto it = (*b).begin();
            b = klib::move(other); // frees the list `it` points back to
        },
        "List: destroyed while borrowed");
}

// ---- signatures that must not compile ------------------------------------

// A Vec lends a Span only through its borrow guard: `f(v, v)` with
// f(Span<int>, Vec<int>&) could otherwise grow v under the span.
static_assert(!klib::is_constructible_v<klib::Span<int>, Vec<int>&>);
static_assert(!klib::is_constructible_v<klib::Span<const int>, const Vec<int>&>);
static_assert(klib::is_constructible_v<klib::Span<int>, klib::Borrowed<int>>);
static_assert(klib::is_constructible_v<klib::Span<u8>, klib::Array<u8, 4>&>);

int sum_and_grow(klib::Span<int> s, Vec<int>& v) {
    for (int i = 0; i < 16; ++i) {
        (void)v.try_push(i); // would reallocate under `s`
    }
    return s[0];
}

TEST(KlibSoundnessDeath, SpanOfVecIsGuarded) {
    EXPECT_DEATH(
        {
            Vec<int> v;
            ASSERT_TRUE(v.try_push(1).is_ok());
            (void)sum_and_grow(v.span(), v);
        },
        "Vec: mutation while borrowed");
}

// A Function/FunctionRef returning a reference cannot wrap a callable that
// returns a value (the reference would name a temporary of the call).
template <typename R, typename F>
constexpr bool function_accepts = requires(F f) { Function<R()>::make(f); };
template <typename R, typename F>
constexpr bool function_ref_accepts = klib::is_constructible_v<klib::FunctionRef<R()>, F&>;

int g_value = 0;
using ReturnsValue = decltype([] { return 42; });
using ReturnsRef = decltype([]() -> int& { return g_value; });
static_assert(!function_accepts<const int&, ReturnsValue>);
static_assert(function_accepts<const int&, ReturnsRef>);
static_assert(function_accepts<long, ReturnsValue>);
static_assert(!function_ref_accepts<const int&, ReturnsValue>);
static_assert(!function_ref_accepts<const long&, ReturnsRef>);
static_assert(function_ref_accepts<int&, ReturnsRef>);

// as_bytes refuses types with padding (indeterminate bytes).
struct Padded {
    u8 a;
    u32 b;
};
struct Packed {
    u32 a;
    u32 b;
};
} // namespace

template <>
inline constexpr bool klib::is_pod_safe<Padded> = true;
template <>
inline constexpr bool klib::is_pod_safe<Packed> = true;

namespace {
template <typename T>
constexpr bool as_bytes_ok = requires(const T& t) { klib::as_bytes(t); };
static_assert(!as_bytes_ok<Padded>);
static_assert(as_bytes_ok<Packed>);
static_assert(as_bytes_ok<u32>);
static_assert(klib::Pod<Padded>); // from_bytes still fine: padding is only written

// ---- capacity arithmetic ---------------------------------------------------

TEST(KlibSoundness, HugeReservationsFail) {
    Vec<char> v;
    EXPECT_EQ(v.try_reserve(~usize(0)).error(), klib::Error::NoMemory);
    EXPECT_EQ(v.try_reserve(~usize(0) / 2 + 1).error(), klib::Error::NoMemory);
    EXPECT_EQ(Vec<u64>::with_capacity(~usize(0) / 4).error(), klib::Error::NoMemory);
    EXPECT_EQ(v.capacity(), 0u);
    ASSERT_TRUE(v.try_push('x').is_ok());
    EXPECT_EQ(v[0], 'x');
}

} // namespace

namespace {
struct NullSource {
    decltype(nullptr) unsafe_data() { return nullptr; }
    usize size() { return 1; }
};
struct ConvertingSource {
    struct P {
        operator int*() const { return nullptr; }
    };
    P unsafe_data() { return {}; }
    usize size() { return 1; }
};
} // namespace

TEST(KlibSoundness, SpanSourceMustReturnExactPointer) {
    // A class whose unsafe_data() merely converts to T* (nullptr_t, a proxy)
    // must not make a Span: that was an arbitrary-address primitive.
    static_assert(!klib::is_constructible_v<Span<int>, NullSource&>);
    static_assert(!klib::is_constructible_v<Span<int>, ConvertingSource&>);
    static_assert(klib::is_constructible_v<Span<const int>, Span<int>>);
    SUCCEED();
}

template <typename T, typename U>
constexpr bool can_value_or = requires(klib::Optional<T> o, U u) { o.value_or(u); };

TEST(KlibSoundness, ValueOrNeedsImplicitConversion) {
    enum Small { A, B };
    // value_or(999) for an enum would be an explicit cast done by trusted
    // code on the caller's behalf: refused at compile time.
    static_assert(!can_value_or<Small, int>);
    static_assert(can_value_or<long, int>);
    klib::Optional<Small> o;
    EXPECT_EQ(o.value_or(B), B);
}
