// ktests for UserContext's FPU image API (fpu, set_fpu, reset_fpu): what a
// signal frame saves and what rt_sigreturn loads. A corrupt image (reserved
// MXCSR bits) is refused without touching the state; a valid one is what
// user mode sees next.
#include "user_fixture.h"
#include <keel/ktest.h>
#include <keel/user.h>
#include <klib/array.h>

namespace services::selftest {

namespace {

using namespace fixture;

constexpr usize MXCSR = 24;
constexpr usize MXCSR_MASK = 28;
constexpr usize XMM0 = 160;
constexpr usize XMM1 = 176;

u64 load64(const keel::FpuImage& img, usize at) {
    u64 v = 0;
    for (usize i = 0; i < 8; ++i) {
        v |= u64(img[at + i]) << (8 * i);
    }
    return v;
}

void store64(keel::FpuImage& img, usize at, u64 v) {
    for (usize i = 0; i < 8; ++i) {
        img[at + i] = u8(v >> (8 * i));
    }
}

u32 load32(const keel::FpuImage& img, usize at) {
    return u32(load64(img, at));
}

void store32(keel::FpuImage& img, usize at, u32 v) {
    for (usize i = 0; i < 4; ++i) {
        img[at + i] = u8(v >> (8 * i));
    }
}

} // namespace

KTEST(user_fpu_initial_image) {
    keel::UserContext ctx;
    const keel::FpuImage img = ctx.fpu();
    KEXPECT_EQ(load32(img, MXCSR), u32(0x1f80));
    KEXPECT(load32(img, MXCSR_MASK) != 0); // the CPU's, reported by fxsave
}

KTEST(user_fpu_reserved_mxcsr_refused) {
    keel::UserContext ctx;
    keel::FpuImage img = ctx.fpu();
    store64(img, XMM0, 0x1234);
    const u32 mask = load32(img, MXCSR_MASK);
    // Every bit outside MXCSR_MASK would make fxrstor #GP: refused.
    for (u32 b = 0; b < 32; ++b) {
        if ((mask & (1u << b)) != 0) {
            continue;
        }
        store32(img, MXCSR, 0x1f80 | (1u << b));
        KEXPECT(!ctx.set_fpu(img));
    }
    const keel::FpuImage after = ctx.fpu();
    KEXPECT_EQ(load64(after, XMM0), u64(0)); // unchanged
    KEXPECT_EQ(load32(after, MXCSR), u32(0x1f80));
}

// A valid image reaches user mode: xmm0 and MXCSR as set; MXCSR_MASK in
// the image is ignored (the CPU's is kept).
KTEST(user_fpu_set_image_seen_by_user) {
    // movq %xmm0,%rax ; stmxcsr -8(%rsp) ; mov -8(%rsp),%ebx ; syscall
    constexpr klib::Array<u8, 16> code = {0x66, 0x48, 0x0f, 0x7e, 0xc0, 0x0f, 0xae, 0x5c,
                                          0x24, 0xf8, 0x8b, 0x5c, 0x24, 0xf8, 0x0f, 0x05};
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    keel::FpuImage img = ctx.fpu();
    const u32 cpu_mask = load32(img, MXCSR_MASK);
    store64(img, XMM0, 0x1122334455667788);
    store32(img, MXCSR, 0x9fc0 & cpu_mask);
    store32(img, MXCSR_MASK, 0);
    KASSERT(ctx.set_fpu(img));
    KEXPECT_EQ(load32(ctx.fpu(), MXCSR_MASK), cpu_mask);
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rax, u64(0x1122334455667788));
    KEXPECT_EQ(ctx.regs.rbx, u64(0x9fc0 & cpu_mask));
}

// fpu() reads the live registers of a context that just ran; reset_fpu()
// returns to the initial state.
KTEST(user_fpu_read_live_and_reset) {
    // mov $0x5a5a5a5a,%eax ; movq %rax,%xmm1 ; syscall
    constexpr klib::Array<u8, 12> code = {0xb8, 0x5a, 0x5a, 0x5a, 0x5a, 0x66, 0x48,
                                          0x0f, 0x6e, 0xc8, 0x0f, 0x05};
    keel::VmSpace space = space_with(code.span());
    keel::UserContext ctx = ctx_at_code();
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(load64(ctx.fpu(), XMM1), u64(0x5a5a5a5a));
    ctx.reset_fpu();
    KEXPECT_EQ(load64(ctx.fpu(), XMM1), u64(0));
    KEXPECT_EQ(load32(ctx.fpu(), MXCSR), u32(0x1f80));
}

} // namespace services::selftest
