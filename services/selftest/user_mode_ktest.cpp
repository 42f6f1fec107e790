// ktests for the user-mode API (keel::VmSpace, keel::execute_user), written
// as service code: everything a process model needs is reachable from the
// safe subset.
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

KTEST(user_syscall_round_trip_and_resume) {
    // mov $60,%eax; mov $42,%edi; syscall; mov %rax,%rbx; ud2
    constexpr klib::Array<u8, 17> code = {0xb8, 0x3c, 0x00, 0x00, 0x00, 0xbf, 0x2a, 0x00, 0x00,
                                          0x00, 0x0f, 0x05, 0x48, 0x89, 0xc3, 0x0f, 0x0b};
    keel::VmSpace space = make_space(code);
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rax, u64(60));
    KEXPECT_EQ(ctx.regs.rdi, u64(42));
    KEXPECT_EQ(ctx.regs.rip, CODE + 12);
    KEXPECT_EQ(ctx.regs.rcx, CODE + 12); // what `syscall` left in rcx
    KEXPECT_EQ(ctx.regs.rsp, STACK_TOP);
    ctx.regs.rax = 7; // the "syscall result"
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(6)); // ud2
    KEXPECT_EQ(ctx.regs.rbx, u64(7));
    KEXPECT_EQ(ctx.regs.rip, CODE + 15);
}

KTEST(user_page_fault_reports_address_and_error) {
    // mov 0x1000,%rax  (nothing is mapped there)
    constexpr klib::Array<u8, 8> code = {0x48, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00};
    keel::VmSpace space = make_space(code);
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(14));
    KEXPECT_EQ(ctx.exception.fault_addr, u64(0x1000));
    KEXPECT_EQ(ctx.exception.error_code, u64(4)); // user, read, not present
    KEXPECT_EQ(ctx.regs.rip, CODE);
}

KTEST(user_cannot_write_its_code_or_touch_the_kernel) {
    // movl $1, 0(%rip)  -> write to the read-only code page
    constexpr klib::Array<u8, 10> wr = {0xc7, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
    keel::VmSpace space = make_space(wr);
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(14));
    KEXPECT_EQ(ctx.exception.error_code, u64(7)); // present, write, user
    KEXPECT_EQ(ctx.exception.fault_addr, CODE + 10);

    // movabs $0xffff800000200000,%rax; mov (%rax),%rax  -> the kernel's
    // direct map (present, supervisor-only)
    constexpr klib::Array<u8, 13> rd = {0x48, 0xb8, 0x00, 0x00, 0x20, 0x00, 0x00,
                                        0x80, 0xff, 0xff, 0x48, 0x8b, 0x00};
    keel::VmSpace space2 = make_space(rd);
    keel::UserContext ctx2 = ctx_at_code();
    KASSERT(keel::execute_user(space2, ctx2) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx2.exception.vector, u64(14));
    KEXPECT_EQ(ctx2.exception.error_code, u64(5)); // present (supervisor page), user
    KEXPECT_EQ(ctx2.exception.fault_addr, u64(0xffff800000200000));
}

KTEST(user_privileged_instructions_fault) {
    // cli ; hlt ; in (%dx),%al ; each must be a #GP in user mode
    constexpr klib::Array<u8, 1> cli = {0xfa};
    constexpr klib::Array<u8, 1> hlt = {0xf4};
    constexpr klib::Array<u8, 1> in = {0xec};
    keel::VmSpace s1 = make_space(cli);
    keel::VmSpace s2 = make_space(hlt);
    keel::VmSpace s3 = make_space(in);
    keel::UserContext c1 = ctx_at_code();
    keel::UserContext c2 = ctx_at_code();
    keel::UserContext c3 = ctx_at_code();
    c3.regs.rflags = ~u64(0); // asks for IOPL 3: must be sanitised away
    KEXPECT(keel::execute_user(s1, c1) == keel::UserExit::Exception && c1.exception.vector == 13);
    KEXPECT(keel::execute_user(s2, c2) == keel::UserExit::Exception && c2.exception.vector == 13);
    KEXPECT(keel::execute_user(s3, c3) == keel::UserExit::Exception && c3.exception.vector == 13);
    KEXPECT_EQ(c3.regs.rflags & u64(0x3000), u64(0)); // IOPL 0
}

KTEST(user_context_with_kernel_rip_is_refused) {
    constexpr klib::Array<u8, 1> nop = {0x90};
    keel::VmSpace space = make_space(nop);
    keel::UserContext ctx = ctx_at_code();
    ctx.regs.rip = 0xffffffff80100000ull;
    KEXPECT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(13));
    keel::UserContext ctx2 = ctx_at_code();
    ctx2.regs.rsp = 0x0000800000000000ull; // non-canonical for iretq
    KEXPECT(keel::execute_user(space, ctx2) == keel::UserExit::Exception);
    keel::UserContext ctx3 = ctx_at_code();
    ctx3.regs.fs_base = 0xffff800000000000ull;
    KEXPECT(keel::execute_user(space, ctx3) == keel::UserExit::Exception);
}

KTEST(user_rflags_from_image_takes_only_restorable_bits) {
    // IF, IOPL (12-13), NT (14), RF (16), VM (17), ID (21) and the
    // reserved bits come from the current flags, never from the image.
    constexpr u64 current = 0x202; // IF, reserved bit 1
    KEXPECT_EQ(keel::user_rflags_from_image(current, ~u64(0)), u64(0x202 | 0x40dd5));
    KEXPECT_EQ(keel::user_rflags_from_image(current, 0), current);
    KEXPECT_EQ(keel::user_rflags_from_image(current | (1u << 21), 0), current | (1u << 21));
    KEXPECT_EQ(keel::user_rflags_from_image(current, 0x3000 | 0x4000 | 0x20000), current);
}

KTEST(user_sse_state_is_per_context) {
    // movq %rax,%xmm0 ; syscall ; movq %xmm0,%rbx ; ud2
    constexpr klib::Array<u8, 15> code = {0x66, 0x48, 0x0f, 0x6e, 0xc0, 0x0f, 0x05, 0x66,
                                          0x48, 0x0f, 0x7e, 0xc3, 0x0f, 0x0b, 0x90};
    keel::VmSpace space = make_space(code);
    keel::UserContext a = ctx_at_code();
    keel::UserContext b = ctx_at_code();
    a.regs.rax = 0x1111111111111111ull;
    b.regs.rax = 0x2222222222222222ull;
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Syscall);
    KASSERT(keel::execute_user(space, b) == keel::UserExit::Syscall);
    KASSERT(keel::execute_user(space, a) == keel::UserExit::Exception);
    KASSERT(keel::execute_user(space, b) == keel::UserExit::Exception);
    KEXPECT_EQ(a.regs.rbx, 0x1111111111111111ull);
    KEXPECT_EQ(b.regs.rbx, 0x2222222222222222ull);
}

KTEST(user_memory_copies_follow_user_permissions) {
    // mov 0x600000,%rax ; add $1,%rax ; mov %rax,0x600008 ; syscall
    constexpr klib::Array<u8, 22> code = {0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x60, 0x00,
                                          0x48, 0x83, 0xc0, 0x01, 0x48, 0x89, 0x04, 0x25,
                                          0x08, 0x00, 0x60, 0x00, 0x0f, 0x05};
    keel::VmSpace space = make_space(code);
    const klib::Array<u8, 8> in = {0x29, 0, 0, 0, 0, 0, 0, 0};
    KASSERT(space.write_bytes(DATA, in.span()).is_ok());
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    auto out = space.read_val<u64>(DATA + 8);
    KASSERT(out.is_ok());
    KEXPECT_EQ(out.value(), u64(0x2a));
    // A copy spanning a page boundary into an unmapped page fails.
    klib::Array<u8, 16> buf{};
    KEXPECT(space.read_bytes(DATA + keel::VmSpace::PAGE - 8, buf.span()).error() ==
            klib::Error::Fault);
    // Writes need a writable user page; reads of code are fine.
    KEXPECT(space.write_bytes(CODE, in.span()).error() == klib::Error::Fault);
    KEXPECT(space.read_bytes(CODE, buf.span()).is_ok());
    KEXPECT_EQ(buf[0], u8(0x48));
    // A typed write copies the whole value at once and obeys the same rules.
    KASSERT(space.write_val<u64>(DATA + 16, 0x1122334455667788ull).is_ok());
    KEXPECT_EQ(MUST(space.read_val<u32>(DATA + 20)), 0x11223344u);
    KEXPECT(space.write_val<u64>(CODE, 1).error() == klib::Error::Fault);
    KEXPECT(space.write_val<u64>(DATA + keel::VmSpace::PAGE - 4, 1).error() ==
            klib::Error::Fault);
    // Kernel addresses are never user memory.
    KEXPECT(space.read_bytes(0xffffffff80100000ull, buf.span()).error() == klib::Error::OutOfRange);
    KEXPECT(space.read_bytes(0x00007ffffffffff8ull, buf.span()).error() == klib::Error::OutOfRange);
}

KTEST(vm_space_owns_mapped_frames) {
    keel::Frame f = MUST(keel::Frame::alloc());
    {
        keel::VmSpace space = MUST(keel::VmSpace::create());
        KASSERT(space.map(DATA, f.clone(), RW).is_ok());
        KEXPECT_EQ(f.ref_count(), 2u);
        KEXPECT(space.map(DATA, f.clone(), RW).error() == klib::Error::Exists);
        KEXPECT_EQ(f.ref_count(), 2u); // the refused handle was released
        KEXPECT(space.map(DATA + 1, f.clone(), RW).error() == klib::Error::InvalidArgument);
        KEXPECT(space.map(keel::VmSpace::USER_END, f.clone(), RW).error() ==
                klib::Error::InvalidArgument);
        auto q = space.query(DATA + 5);
        KASSERT(q.has_value());
        KEXPECT_EQ(q.value().frame.paddr(), f.paddr());
        KEXPECT(q.value().perms.write);
        KASSERT(space.protect(DATA, RO).is_ok());
        KEXPECT(!space.query(DATA).value().perms.write);
        keel::Frame back = MUST(space.unmap(DATA));
        KEXPECT_EQ(back.paddr(), f.paddr());
        KEXPECT(space.unmap(DATA).error() == klib::Error::NotFound);
        KASSERT(space.map(DATA, klib::move(back), RW).is_ok());
        KEXPECT_EQ(space.mapped_pages(), u64(1));
    }
    // The space is gone: its reference was dropped.
    KEXPECT_EQ(f.ref_count(), 1u);
}

} // namespace services::selftest
