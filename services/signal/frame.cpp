// The x86-64 signal frame (struct rt_sigframe) and rt_sigreturn.
//
// Layout (as Linux's arch/x86/include/asm/sigframe.h), in 8-byte words:
//   0        pretcode (sa_restorer: the handler's return address)
//   1..38    struct ucontext: uc_flags, uc_link, uc_stack (3 words),
//            uc_mcontext (struct sigcontext, 32 words), uc_sigmask
//   39..54   struct siginfo (128 bytes)
// and, 64-byte aligned above it, the 512-byte fxsave image that
// uc_mcontext.fpstate points to.
#include "deliver.h"

namespace services::signal {

namespace {

constexpr usize FRAME_WORDS = 55;
constexpr usize UC = 1;         // word of struct ucontext
constexpr usize UC_STACK = UC + 2;
constexpr usize SC = UC + 5;    // struct sigcontext
constexpr usize UC_MASK = SC + 32;
constexpr usize INFO = UC_MASK + 1;
constexpr u64 FPU_SIZE = 512;
constexpr u64 REDZONE = 128;

// sigcontext word indexes.
constexpr usize SC_R8 = 0, SC_RDI = 8, SC_RSI = 9, SC_RBP = 10, SC_RBX = 11, SC_RDX = 12,
                SC_RAX = 13, SC_RCX = 14, SC_RSP = 15, SC_RIP = 16, SC_FLAGS = 17, SC_SEGS = 18,
                SC_ERR = 19, SC_TRAPNO = 20, SC_OLDMASK = 21, SC_CR2 = 22, SC_FPSTATE = 23;

constexpr u64 USER_CS = 0x33;
constexpr u64 USER_DS = 0x2b;
constexpr u64 UC_SIGCONTEXT_SS = 2;
constexpr u64 UC_STRICT_RESTORE_SS = 4;

constexpr u64 FLAGS_TF = 1u << 8;
constexpr u64 FLAGS_DF = 1u << 10;
constexpr u64 FLAGS_RF = 1u << 16;

using Frame = klib::Array<u64, FRAME_WORDS>;
using UcWords = klib::Array<u64, INFO>; // pretcode + ucontext

void put_regs(Frame& f, const keel::UserRegs& r) {
    const klib::Array<u64, 8> hi = {r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
    for (usize i = 0; i < 8; ++i) {
        f[SC + SC_R8 + i] = hi[i];
    }
    f[SC + SC_RDI] = r.rdi;
    f[SC + SC_RSI] = r.rsi;
    f[SC + SC_RBP] = r.rbp;
    f[SC + SC_RBX] = r.rbx;
    f[SC + SC_RDX] = r.rdx;
    f[SC + SC_RAX] = r.rax;
    f[SC + SC_RCX] = r.rcx;
    f[SC + SC_RSP] = r.rsp;
    f[SC + SC_RIP] = r.rip;
    f[SC + SC_FLAGS] = r.rflags;
    f[SC + SC_SEGS] = USER_CS | (USER_DS << 48); // cs, gs 0, fs 0, ss
}

} // namespace

// Writes the frame for `info` with `act`; `old_mask` goes to uc_sigmask.
// False when the frame cannot be written (the caller forces SIGSEGV).
bool setup_frame(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, const SigInfo& info, const SigAction& act, u64 old_mask) {
    keel::UserRegs& r = ctx.regs;
    if ((act.flags & SA_RESTORER) == 0) {
        return false; // x86-64 has no kernel-provided return trampoline
    }
    const AltStack as = thread.altstack;
    const bool was_on = as.on(r.rsp);
    bool entering = false;
    u64 sp = r.rsp - REDZONE;
    if ((act.flags & SA_ONSTACK) != 0 && as.state_at(sp) == 0) {
        sp = as.sp + as.size;
        entering = true;
    }
    const u64 fpstate = (sp - FPU_SIZE) & ~u64(63);
    u64 frame = fpstate - FRAME_WORDS * 8;
    frame = (frame & ~u64(15)) - 8;
    // On the alternate stack and about to overflow it: fail (SIGSEGV).
    // Wrapping below zero fails too (the write would fault anyway).
    if (((was_on || entering) && !as.within(frame)) || fpstate > sp || frame > fpstate) {
        return false;
    }
    Frame f{};
    f[0] = act.restorer;
    f[UC] = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    f[UC_STACK] = as.sp;
    f[UC_STACK + 1] = as.flags;
    f[UC_STACK + 2] = as.size;
    put_regs(f, r);
    f[SC + SC_ERR] = thread.error_code;
    f[SC + SC_TRAPNO] = thread.trap_nr;
    f[SC + SC_OLDMASK] = old_mask;
    f[SC + SC_CR2] = thread.cr2;
    f[SC + SC_FPSTATE] = fpstate;
    f[UC_MASK] = old_mask;
    for (usize i = 0; i < 16; ++i) {
        f[INFO + i] = info.words()[i];
    }
    if (space.write_val(fpstate, ctx.fpu()).is_err() || space.write_val(frame, f).is_err()) {
        return false;
    }
    r.rdi = u64(u32(info.signo()));
    r.rsi = frame + INFO * 8;
    r.rdx = frame + UC * 8;
    r.rax = 0;
    r.rip = act.handler;
    r.rsp = frame;
    r.rflags &= ~(FLAGS_DF | FLAGS_RF | FLAGS_TF);
    ctx.reset_fpu();
    if ((act.flags & SA_ONSTACK) != 0 && (as.flags & SS_AUTODISARM) != 0) {
        thread.altstack = AltStack{};
    }
    return true;
}

// Applies sigaltstack(2)'s checks to the uc_stack of a frame; EPERM/EINVAL
// are ignored (Linux's restore_altstack squashes them).
void restore_altstack(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx, u64 sp, u32 flags, u64 size);

bool sigreturn(klib::FunctionRef<SigAction(i32)> get_action, klib::FunctionRef<void(i32, SigAction)> set_action, const Inbox& shared, ThreadSignals& thread, const mm::AddressSpace& space, keel::UserContext& ctx) {
    keel::UserRegs& r = ctx.regs;
    const u64 frame = r.rsp - 8;
    auto read = space.read_val<UcWords>(frame);
    if (read.is_err()) {
        return false;
    }
    const UcWords& f = read.value();
    // The FPU image first: a bad one fails the whole frame, as on Linux.
    const u64 fpstate = f[SC + SC_FPSTATE];
    if (fpstate != 0) {
        if ((fpstate & 15) != 0) {
            return false; // fxrstor would #GP
        }
        auto image = space.read_val<keel::FpuImage>(fpstate);
        if (image.is_err() || !ctx.set_fpu(image.value())) {
            return false;
        }
    } else {
        ctx.reset_fpu();
    }
    thread.mask = f[UC_MASK] & ~UNBLOCKABLE;
    r.r8 = f[SC + SC_R8];
    r.r9 = f[SC + SC_R8 + 1];
    r.r10 = f[SC + SC_R8 + 2];
    r.r11 = f[SC + SC_R8 + 3];
    r.r12 = f[SC + SC_R8 + 4];
    r.r13 = f[SC + SC_R8 + 5];
    r.r14 = f[SC + SC_R8 + 6];
    r.r15 = f[SC + SC_R8 + 7];
    r.rdi = f[SC + SC_RDI];
    r.rsi = f[SC + SC_RSI];
    r.rbp = f[SC + SC_RBP];
    r.rbx = f[SC + SC_RBX];
    r.rdx = f[SC + SC_RDX];
    r.rax = f[SC + SC_RAX];
    r.rcx = f[SC + SC_RCX];
    r.rsp = f[SC + SC_RSP];
    r.rip = f[SC + SC_RIP];
    r.rflags = keel::user_rflags_from_image(r.rflags, f[SC + SC_FLAGS]);
    // Segment selectors are fixed in Keel (cs 0x33, ss 0x2b, fs/gs bases
    // kept): nothing in the frame can change privilege. rip and rsp are
    // checked by execute_user(), which reports #GP (SIGSEGV) for
    // non-canonical or kernel addresses, as the iret would on Linux.
    restore_altstack(get_action, set_action, shared, thread, space, ctx, f[UC_STACK], u32(f[UC_STACK + 1]), f[UC_STACK + 2]);
    thread.syscall_nr = -1; // rax is the interrupted code's, not a result
    return true;
}

} // namespace services::signal
