// Red-team regression tests for the user-mode boundary (keel/user.h,
// keel/mm/vm_space.h), written as service code: each one drives user-mode
// bytes through execute_user and checks that the kernel stays in control.
#include "user_fixture.h"
#include <keel/ktest.h>
#include <keel/mm/frame.h>
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <klib/array.h>

namespace services::selftest {

namespace {

using namespace fixture;

// 64-bit code that loads `rsp`, far-jumps to the 32-bit user code segment
// (0x1b, compatibility mode) and executes `syscall` there:
//   0: lea 0xc(%rip),%rax ; 7: movabs $rsp,%rsp ; 0x11: ljmpl *(%rax)
//   0x13: .long CODE+0x19 ; .word 0x1b ; 0x19: syscall ; 0x1b: ud2
klib::Array<u8, 29> compat_syscall_code(u64 rsp) {
    klib::Array<u8, 29> c = {0x48, 0x8d, 0x05, 0x0c, 0x00, 0x00, 0x00, 0x48, 0xbc, 0,
                             0,    0,    0,    0,    0,    0,    0,    0xff, 0x28, 0x19,
                             0x00, 0x40, 0x00, 0x1b, 0x00, 0x0f, 0x05, 0x0f, 0x0b};
    for (usize i = 0; i < 8; ++i) {
        c[9 + i] = u8(rsp >> (8 * i));
    }
    return c;
}

} // namespace

// Hole: IA32_CSTAR was never written (0). A `syscall` from compatibility
// mode (far jump to the 32-bit user code segment 0x1b) entered ring 0 at
// rip 0 on AMD CPUs and QEMU: with page 0 mapped, user bytes ran at CPL 0
// (`mov %cr3,%rax` succeeded, then the kernel panicked at rip=0x3). Now
// page 0 cannot be mapped, and the compat syscall is the #UD Intel raises.
KTEST(redteam_user_page_zero_cannot_be_mapped) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    KEXPECT(space.map(0, MUST(keel::Frame::alloc()), RX).is_err());
    KEXPECT(
        space.map(keel::VmSpace::USER_START - keel::VmSpace::PAGE, MUST(keel::Frame::alloc()), RX)
            .is_err());
    KEXPECT(space.map(keel::VmSpace::USER_START, MUST(keel::Frame::alloc()), RX).is_ok());
}

KTEST(redteam_user_compat_mode_syscall_is_ud_in_user_mode) {
    const auto code = compat_syscall_code(STACK_TOP);
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(6));
    KEXPECT_EQ(ctx.regs.rip, CODE + 0x19); // the `syscall` instruction
    KEXPECT_EQ(ctx.regs.rsp, STACK_TOP);
    // Resuming re-enters 64-bit mode at the same instruction: a real syscall.
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rip, CODE + 0x1b);
}

// Same hole with page 0 unmapped: the kernel took a page fault at rip 0 and
// pushed its trap frame on the stack the user had loaded, here the direct
// map of a segment we own (any kernel address would do: page tables, heap).
KTEST(redteam_user_compat_mode_syscall_cannot_pick_the_kernel_stack) {
    keel::Segment seg = MUST(keel::Segment::alloc(16));
    const u64 kstack = 0xffff800000000000ull + seg.paddr() + seg.size();
    const auto code = compat_syscall_code(kstack);
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(6));
    KEXPECT_EQ(ctx.regs.rsp, kstack);
    for (usize off = 0; off < seg.size(); off += 8) {
        KASSERT(MUST(seg.read_val<u64>(off)) == 0);
    }
}

// Instructions that reach the kernel's entry points or privileged state:
// each must end as a user exception (never a kernel trap or panic).
KTEST(redteam_user_entry_instructions_stay_user_exceptions) {
    struct Case {
        klib::Array<u8, 4> code;
        u64 vector{}; // 0: any user exception (CPU-dependent)
    };
    const klib::Array<Case, 12> cases = {{
        {{0x0f, 0x34, 0x90, 0x90}, 0},  // sysenter (#UD on AMD, #GP: SYSENTER_CS = 0)
        {{0x0f, 0x35, 0x90, 0x90}, 0},  // sysexit
        {{0x0f, 0x07, 0x90, 0x90}, 0},  // sysret
        {{0x0f, 0x01, 0xf8, 0x90}, 13}, // swapgs (#GP outside ring 0)
        {{0xcd, 0x02, 0x90, 0x90}, 13}, // int $2 (NMI vector, DPL 0)
        {{0xcd, 0x08, 0x90, 0x90}, 13}, // int $8 (double fault vector)
        {{0xcd, 0x12, 0x90, 0x90}, 13}, // int $18 (machine check vector)
        {{0xcd, 0x20, 0x90, 0x90}, 13}, // int $32 (timer vector)
        {{0xcd, 0x0e, 0x90, 0x90}, 13}, // int $14 (no error code pushed)
        {{0xcc, 0x90, 0x90, 0x90}, 3},  // int3 (gate DPL 3, as Linux: #BP)
        {{0xf1, 0x90, 0x90, 0x90}, 0},  // icebp: #DB regardless of DPL (or #UD)
        {{0x0f, 0x01, 0x00, 0x90}, 0},  // sgdt (%rax): #GP with UMIP, else #PF
    }};
    for (const Case& c : cases) {
        keel::VmSpace space = space_with(c.code.span());
        keel::UserContext ctx = ctx_at_code();
        KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
        const u64 v = ctx.exception.vector;
        if (c.vector == 0) {
            // CPU-dependent, but always an exception of the user thread.
            KEXPECT(v == 1 || v == 6 || v == 13 || v == 14);
        } else {
            KEXPECT_EQ(v, c.vector);
        }
    }
}

// TF set by user code: `syscall` clears it on entry (SFMASK), so no #DB is
// taken in the kernel; on resume the flag is back and single-steps user code.
KTEST(redteam_user_trap_flag_across_syscall) {
    // syscall ; nop ; nop
    const klib::Array<u8, 4> code = {0x0f, 0x05, 0x90, 0x90};
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    ctx.regs.rflags = 0x100 | 0x40000; // TF, AC
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.r11 & 0x100, u64(0x100));
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(1));
    KEXPECT_EQ(ctx.regs.rip, CODE + 3);
}

// The x87 control word a user thread sets (single precision, round toward
// zero) is its own state: the kernel resets the x87 unit after saving it
// (kernel code itself cannot use floating point: it is built with
// -mno-80387, so float arithmetic does not link), and the user thread gets
// its setting back when it resumes.
KTEST(redteam_user_fpu_control_word_survives_a_syscall) {
    // push $0xc7f ; fldcw (%rsp) ; syscall ; fnstcw (%rsp) ; pop %rax ; ud2
    const klib::Array<u8, 16> code = {0x68, 0x7f, 0x0c, 0x00, 0x00, 0xd9, 0x2c, 0x24,
                                      0x0f, 0x05, 0xd9, 0x3c, 0x24, 0x58, 0x0f, 0x0b};
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(6));
    KEXPECT_EQ(ctx.regs.rax & 0xffff, u64(0xc7f));
}

} // namespace services::selftest
