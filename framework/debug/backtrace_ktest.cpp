// ktests for the panic path's backtrace walker.
#include "debug/panic_state.h"
#include <keel/ktest.h>
#include <keel/panic.h>

namespace keel::debug {
namespace {

// A frame whose saved rbp points into the kernel half but at nothing mapped
// (the direct map has no RAM 16 TiB up).
constexpr u64 UNMAPPED_KERNEL_ADDR = 0xffff900000000000ull;
u64 g_fake_frame[2];

[[noreturn, gnu::noinline]] void ktest_panic_under_corrupt_frame() {
    panic("panic with a corrupt frame chain");
}

} // namespace

// A corrupt saved rbp in the chain: the panic still reports its message and
// the runner recovers. (The walker used to fault on it, and the fault's own
// backtrace walked the same chain and faulted again, nesting traps until
// the 32-frame bound cut it off.)
KTEST_SHOULD_PANIC(backtrace_survives_corrupt_frame_chain, "panic with a corrupt frame chain") {
    g_fake_frame[0] = UNMAPPED_KERNEL_ADDR;
    g_fake_frame[1] = u64(&ktest_panic_under_corrupt_frame) + 1;
    // Call with rbp = &g_fake_frame, as if our caller's frame had been
    // overwritten; the callee never returns.
    asm volatile("mov %0, %%rbp\n\t"
                 "call *%1" ::"r"(g_fake_frame),
                 "r"(&ktest_panic_under_corrupt_frame)
                 : "memory");
    __builtin_unreachable();
}

// Regression: the walker followed any aligned upper-half rbp and faulted
// on an unmapped one instead of ending the walk.
KTEST(backtrace_walk_stops_at_unmapped_frame) {
    u64 frame[2] = {UNMAPPED_KERNEL_ADDR, 0xffffffff80100000ull};
    // Must return (after printing two frames), not fault.
    print_backtrace(0, u64(&frame[0]));
    print_backtrace(0x1234, UNMAPPED_KERNEL_ADDR);
}

} // namespace keel::debug
