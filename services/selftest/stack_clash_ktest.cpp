// Stack clash (issue 11, class 6), shown from service code.
//
// Kernel stacks are 32 KiB with one unmapped 4 KiB guard page below, handed
// out at increasing addresses: the guard of a task's stack sits right above
// the top of the stack allocated before it. A frame larger than the guard
// whose lowest bytes are written first never touches the guard: it writes
// into the neighbour's live stack, silently.
#include <keel/ktest.h>
#include <keel/log.h>
#include <keel/task.h>
#include <klib/arc.h>
#include <klib/array.h>
#include <klib/atomic.h>
#include <klib/function.h>

namespace services::selftest {

namespace {

using klib::MemoryOrder;

constexpr u64 PATTERN = 0x5afe57ac0ffee000;
constexpr usize VICTIM_WORDS = 448; // 3.5 KiB of pattern per victim frame
constexpr u32 VICTIM_LEVELS = 7;    // ~24.5 KiB of the victim's stack

struct Clash {
    klib::Atomic<u32> stage; // 1 victim ready, 2 attack done, 3 victim checked
    klib::Atomic<u64> corrupted;
    keel::WaitQueue wq;
};

void advance(const Clash& c, u32 stage) {
    c.stage.store(stage, MemoryOrder::Release);
    c.wq.wake_all();
}

void await(const Clash& c, u32 stage) {
    c.wq.wait_until([&] { return c.stage.load(MemoryOrder::Acquire) >= stage; });
}

// The victim covers most of its stack with a known pattern (one array per
// recursion level), waits for the attack at the deepest level, then counts
// the words that changed.
[[gnu::noinline]] u64 victim_level(const Clash& c, u32 level) {
    klib::Array<u64, VICTIM_WORDS> words;
    words.fill(PATTERN + level);
    u64 changed = 0;
    if (level + 1 < VICTIM_LEVELS) {
        changed = victim_level(c, level + 1);
    } else {
        advance(c, 1);
        await(c, 2);
    }
    for (usize i = 0; i < VICTIM_WORDS; ++i) {
        if (words[i] != PATTERN + level) {
            ++changed;
        }
    }
    return changed;
}

// A temporary is not touched by -ftrivial-auto-var-init; its constructor
// writes only `first`, the lowest word of a 38 KiB object at the bottom of
// the frame: 2 KiB past the guard, inside the victim's stack.
struct Huge {
    explicit Huge(u64 v) : first(v) {}
    u64 first;
    klib::Array<u64, 4864> rest;
};

[[gnu::noinline]] u64 read_first(const Huge& h) {
    return h.first;
}

[[gnu::noinline]] u64 attack() {
    return read_first(Huge(0xbad0bad0bad0bad0));
}

} // namespace

// Today: the attacker's frame jumps its guard page and overwrites the
// victim's stack with no fault (this test documents the hole; the fix
// turns the attack into a guard-page fault).
KTEST(stack_clash_big_frame_overwrites_the_neighbour_stack) {
    klib::Arc<Clash> c = MUST(klib::Arc<Clash>::make());
    // The victim's stack is allocated first, the attacker's right above it.
    auto victim = MUST(klib::Function<void()>::make([c = c.clone()]() {
        u64 changed = victim_level(*c, 0);
        (*c).corrupted.store(changed, MemoryOrder::Relaxed);
        advance(*c, 3);
    }));
    KASSERT(keel::spawn_task(klib::move(victim)).is_ok());
    auto attacker = MUST(klib::Function<void()>::make([c = c.clone()]() {
        await(*c, 1);
        KEXPECT_EQ(attack(), u64(0xbad0bad0bad0bad0));
        advance(*c, 2);
    }));
    KASSERT(keel::spawn_task(klib::move(attacker)).is_ok());
    await(*c, 3);
    keel::yield_now(); // let both tasks finish exiting
    const u64 changed = (*c).corrupted.load(MemoryOrder::Relaxed);
    keel::log_info("stack clash: {} words of the victim's stack overwritten", changed);
    KEXPECT_GT(changed, u64(0));
}

} // namespace services::selftest
