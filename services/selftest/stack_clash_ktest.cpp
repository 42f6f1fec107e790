// Stack clash (issue 11, class 6), from service code.
//
// Kernel stacks are 32 KiB with one unmapped 4 KiB guard page below, handed
// out at increasing addresses: the guard of a task's stack sits right above
// the top of the stack allocated before it. Before the fix, a 38 KiB frame
// (a temporary that -ftrivial-auto-var-init does not touch, whose
// constructor writes only its lowest word) jumped the guard and overwrote
// three words of the neighbouring task's live stack with no fault (this
// file's history: `stack_clash_big_frame_overwrites_the_neighbour_stack`).
//
// Now (mk/toolchain.mk, checked by KS-FLAGS): no frame may exceed the guard
// (-Wframe-larger-than=4096 as an error: that attacker no longer compiles,
// see tests/safety/reject/KS-FLAGS/no_stack_clash_protection.cpp), larger
// frames would be probed page by page (-fstack-clash-protection), and every
// frame pushes %rbp first. So however a service overflows its stack, the
// first write below the stack is in the guard page: a clean report.
#include <keel/ktest.h>
#include <klib/array.h>

namespace services::selftest {

namespace {

// The worst case the build still accepts: a frame just under the limit,
// written only at its lowest word, at every level of a runaway recursion.
struct NearLimit {
    explicit NearLimit(u64 v) : first(v) {}
    u64 first;
    klib::Array<u64, 480> rest; // ~3.8 KiB, untouched
};

[[gnu::noinline]] u64 lowest_word(const NearLimit& n) {
    return n.first;
}

[[gnu::noinline]] u64 dive(u64 depth) {
    u64 here = lowest_word(NearLimit(depth));
    if (keel::ktest::opaque(depth) == ~u64(0)) {
        return here;
    }
    return dive(depth + 1) + here;
}

} // namespace

KTEST_SHOULD_PANIC(stack_clash_overflow_faults_on_the_guard_page, "kernel stack overflow") {
    KEXPECT_GT(dive(0), u64(0));
}

} // namespace services::selftest
