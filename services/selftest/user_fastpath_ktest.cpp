// ktests for the fast syscall return (sysretq when rcx/r11 already hold the
// resume rip/rflags, iretq otherwise), the tracked FPU state (live in the
// registers between exits, saved when another context enters or a copy is
// made) and the FS/GS base MSRs written only when they change.
#include "user_fixture.h"
#include <keel/ktest.h>
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <klib/array.h>

namespace services::selftest {

namespace {

using namespace fixture;

template <usize N>
keel::VmSpace make_space(const klib::Array<u8, N>& code) {
    return space_with(code.span());
}

} // namespace

// The common case: a syscall returns to the next instruction with every
// register the kernel left (rax, rdi here) and rcx/r11 as `syscall` set them.
KTEST(user_fast_return_keeps_registers) {
    // syscall ; mov %rcx,%rbx ; mov %r11,%rdx ; syscall ; ud2
    constexpr klib::Array<u8, 12> code = {0x0f, 0x05, 0x48, 0x89, 0xcb, 0x4c,
                                          0x89, 0xda, 0x0f, 0x05, 0x0f, 0x0b};
    keel::VmSpace space = make_space(code);
    keel::UserContext ctx = ctx_at_code();
    ctx.regs.rflags = 0x1 | 0x800; // CF, OF: user-visible flags survive
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rip, CODE + 2);
    KEXPECT_EQ(ctx.regs.rcx, CODE + 2);
    const u64 flags = ctx.regs.r11;
    KEXPECT_EQ(flags & 0x801, u64(0x801));
    ctx.regs.rax = 42;
    ctx.regs.rdi = 0x55;
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rip, CODE + 10);
    KEXPECT_EQ(ctx.regs.rbx, CODE + 2);
    KEXPECT_EQ(ctx.regs.rdx, flags);
    KEXPECT_EQ(ctx.regs.rax, u64(42));
    KEXPECT_EQ(ctx.regs.rdi, u64(0x55));
    KEXPECT_EQ(ctx.regs.rflags & 0x801, u64(0x801));
}

// A resume the kernel redirected (rip no longer equal to rcx, as for signal
// delivery or execve) must land at the new rip with rcx and r11 intact.
KTEST(user_redirected_return_keeps_rcx_and_r11) {
    // syscall ; ud2 ; mov %rcx,%rbx ; mov %r11,%rdx ; syscall ; ud2
    constexpr klib::Array<u8, 14> code = {0x0f, 0x05, 0x0f, 0x0b, 0x48, 0x89, 0xcb,
                                          0x4c, 0x89, 0xda, 0x0f, 0x05, 0x0f, 0x0b};
    keel::VmSpace space = make_space(code);
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    ctx.regs.rip = CODE + 4;
    ctx.regs.rcx = 0x1234;
    ctx.regs.r11 = 0x5678;
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rip, CODE + 12);
    KEXPECT_EQ(ctx.regs.rbx, u64(0x1234));
    KEXPECT_EQ(ctx.regs.rdx, u64(0x5678));
}

// A copy of a context whose SSE state is live in the registers gets that
// state, and the original keeps it too.
KTEST(user_sse_state_of_a_copied_live_context) {
    // movq %rax,%xmm0 ; syscall ; movq %xmm0,%rbx ; ud2
    constexpr klib::Array<u8, 15> code = {0x66, 0x48, 0x0f, 0x6e, 0xc0, 0x0f, 0x05, 0x66,
                                          0x48, 0x0f, 0x7e, 0xc3, 0x0f, 0x0b, 0x90};
    keel::VmSpace space = make_space(code);
    keel::UserContext a = ctx_at_code();
    a.regs.rax = 0x3333444455556666ull;
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Syscall);
    keel::UserContext c = a;
    keel::UserContext d = ctx_at_code();
    d = a;
    KASSERT(keel::execute_user(space, c) == keel::UserExit::Exception);
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Exception);
    KASSERT(keel::execute_user(space, d) == keel::UserExit::Exception);
    KEXPECT_EQ(c.regs.rbx, 0x3333444455556666ull);
    KEXPECT_EQ(a.regs.rbx, 0x3333444455556666ull);
    KEXPECT_EQ(d.regs.rbx, 0x3333444455556666ull);
}

// Each context sees its own FS base across interleaved syscalls, and a
// base changed between exits (arch_prctl) takes effect.
KTEST(user_fs_base_per_context_and_changed) {
    // mov %fs:0,%rax ; syscall ; mov %fs:0,%rbx ; ud2
    constexpr klib::Array<u8, 22> code = {0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00,
                                          0x00, 0x0f, 0x05, 0x64, 0x48, 0x8b, 0x1c, 0x25,
                                          0x00, 0x00, 0x00, 0x00, 0x0f, 0x0b};
    keel::VmSpace space = make_space(code);
    KASSERT(space.write_val<u64>(DATA, 0xaaaa).is_ok());
    KASSERT(space.write_val<u64>(DATA + 8, 0xbbbb).is_ok());
    keel::UserContext a = ctx_at_code();
    keel::UserContext b = ctx_at_code();
    keel::UserContext c = ctx_at_code();
    a.regs.fs_base = DATA;
    b.regs.fs_base = DATA + 8;
    c.regs.fs_base = DATA;
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Syscall);
    KASSERT(keel::execute_user(space, b) == keel::UserExit::Syscall);
    KASSERT(keel::execute_user(space, c) == keel::UserExit::Syscall);
    c.regs.fs_base = DATA + 8; // c ran last: its re-entry must rewrite FS
    KASSERT(keel::execute_user(space, c) == keel::UserExit::Exception);
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Exception);
    KASSERT(keel::execute_user(space, b) == keel::UserExit::Exception);
    KEXPECT_EQ(a.regs.rax, u64(0xaaaa));
    KEXPECT_EQ(a.regs.rbx, u64(0xaaaa));
    KEXPECT_EQ(b.regs.rax, u64(0xbbbb));
    KEXPECT_EQ(b.regs.rbx, u64(0xbbbb));
    KEXPECT_EQ(c.regs.rax, u64(0xaaaa));
    KEXPECT_EQ(c.regs.rbx, u64(0xbbbb));
}

} // namespace services::selftest
