// A minimal user address space for the user-mode ktests: `code` at CODE
// (read+exec), one writable page at DATA and a stack page below STACK_TOP.
#pragma once

#include <keel/mm/frame.h>
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <klib/span.h>

namespace services::selftest::fixture {

inline constexpr u64 CODE = 0x400000;
inline constexpr u64 DATA = 0x600000;
inline constexpr u64 STACK_TOP = 0x7fff0000;

inline constexpr keel::VmPerms RX{false, true};
inline constexpr keel::VmPerms RW{true, false};
inline constexpr keel::VmPerms RO{false, false};

inline keel::VmSpace space_with(klib::Span<const u8> code) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    keel::Frame text = MUST(keel::Frame::alloc());
    MUST(text.write_bytes(0, code));
    MUST(space.map(CODE, klib::move(text), RX));
    MUST(space.map(DATA, MUST(keel::Frame::alloc()), RW));
    MUST(space.map(STACK_TOP - keel::VmSpace::PAGE, MUST(keel::Frame::alloc()), RW));
    return space;
}

// A context that starts at CODE with the stack at STACK_TOP.
inline keel::UserContext ctx_at_code() {
    keel::UserContext ctx;
    ctx.regs.rip = CODE;
    ctx.regs.rsp = STACK_TOP;
    return ctx;
}

} // namespace services::selftest::fixture
