// Issue 11: a method cannot drop the last Arc to its own object through
// shared state. Shared state is reachable only through a lock the caller
// holds while it uses a reference into the data (guards cannot move;
// references cannot leave with()), so the last Arc sits in the data of a
// lock on the caller's path: re-taking that lock panics ("recursive
// acquire"), and an Arc kept under any other lock is not the last one.
// docs/safety-profile.md, residual risks (Arc self-drop row).
#include <keel/ktest.h>
#include <keel/sync/spinlock.h>
#include <klib/arc.h>
#include <klib/atomic.h>
#include <klib/optional.h>
#include <klib/vec.h>

namespace services::selftest {

namespace {

klib::Atomic<u32> g_node_drops{0};

struct Node;
using Slot = keel::SpinLock<klib::Optional<klib::Arc<Node>>>;
Slot g_own;   // holds the only Arc in the first test
Slot g_other; // holds a second Arc in the second test

struct Node {
    klib::Vec<u32> data;
    Node() = default;
    Node(Node&&) = default;
    ~Node() { g_node_drops.fetch_add(1, klib::MemoryOrder::Relaxed); }
    // Drops whatever Arc `slot` holds, then reads its own data.
    u32 drop_and_read(const Slot& slot) const {
        slot.with([](klib::Optional<klib::Arc<Node>>& o) { o.reset(); });
        return data[0];
    }
};

klib::Arc<Node> make_node() {
    Node n;
    MUST(n.data.try_push(42));
    return MUST(klib::Arc<Node>::make(klib::move(n)));
}

} // namespace

KTEST_SHOULD_PANIC(redteam_arc_self_drop_through_its_own_lock_panics,
                   "recursive acquire on the same CPU") {
    g_own.with([](klib::Optional<klib::Arc<Node>>& o) { o = make_node(); });
    g_own.with([](klib::Optional<klib::Arc<Node>>& o) {
        keel::log_info("unreachable: {}", o.value()->drop_and_read(g_own));
    });
}

KTEST(redteam_arc_drop_through_another_lock_is_not_the_last) {
    klib::Arc<Node> a = make_node(); // (its moved-from local counts one drop)
    u32 before = g_node_drops.load(klib::MemoryOrder::Relaxed);
    g_other.with([&](klib::Optional<klib::Arc<Node>>& o) { o = a.clone(); });
    KASSERT(a->drop_and_read(g_other) == 42u);
    KASSERT(g_node_drops.load(klib::MemoryOrder::Relaxed) == before);
}

} // namespace services::selftest
