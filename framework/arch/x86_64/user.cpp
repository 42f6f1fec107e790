// User-mode entry and exit: per-CPU data, syscall MSRs, FPU state, and the
// trap path for exceptions raised in user mode.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/init.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "task/sched.h"
#include <keel/panic.h>
#include <keel/time.h>
#include <keel/user.h>

extern "C" u32 keel_enter_user(keel::UserRegs* regs, u32 sysret);
extern "C" void keel_syscall_entry();
extern "C" void keel_syscall_compat_entry();
extern "C" [[noreturn]] void keel_user_exit_from_trap(u32 reason);

namespace keel::arch {

namespace {

PerCpu g_boot_cpu;
bool g_tsc_aux_is_cpu = false;

// The FPU state every new user context starts from (fninit + default MXCSR).
alignas(16) u8 g_initial_fpu[512];

constexpr u32 MSR_STAR = 0xc0000081;
constexpr u32 MSR_LSTAR = 0xc0000082;
constexpr u32 MSR_CSTAR = 0xc0000083;
constexpr u32 MSR_SFMASK = 0xc0000084;
constexpr u32 MSR_TSC_AUX = 0xc0000103;
constexpr u32 MSR_SYSENTER_CS = 0x174;
constexpr u32 MSR_SYSENTER_ESP = 0x175;
constexpr u32 MSR_SYSENTER_EIP = 0x176;
constexpr u64 EFER_SCE = 1;
constexpr u64 CR0_MP = 1u << 1;
constexpr u64 CR0_EM = 1u << 2;
constexpr u64 CR0_TS = 1u << 3;
constexpr u64 CR4_OSFXSR = 1u << 9;
constexpr u64 CR4_OSXMMEXCPT = 1u << 10;

// RFLAGS bits user code may control: CF PF AF ZF SF TF DF OF AC ID. IF is
// forced on, IOPL/NT/RF/VM/VIF/VIP off; bit 1 is reserved-one.
constexpr u64 USER_RFLAGS_MASK = 0x240dd5;
constexpr u64 RFLAGS_FIXED = (1u << 1) | (1u << 9);
// Cleared on syscall entry: TF, IF, DF, IOPL, AC, NT.
constexpr u64 SFMASK = 0x47700;
constexpr u64 RFLAGS_TF = 1u << 8;
constexpr u64 RFLAGS_ID = 1u << 21;
// What a user-memory image (a sigreturn frame) may restore: the bits user
// code controls less ID (Linux's FIX_EFLAGS; its RF is cleared on entry).
constexpr u64 USER_RFLAGS_RESTORABLE = USER_RFLAGS_MASK & ~RFLAGS_ID;

bool user_address(u64 va) {
    return va < VmSpace::USER_END;
}

constexpr usize FXSAVE_MXCSR = 24;
constexpr usize FXSAVE_MXCSR_MASK = 28;
constexpr u32 MXCSR_MASK_DEFAULT = 0xffbf; // a zero MXCSR_MASK means this (SDM 10.5.1.2)

u32 load_u32(const u8 (&image)[512], usize at) {
    u32 v;
    __builtin_memcpy(&v, image + at, 4);
    return v;
}

} // namespace

PerCpu& this_cpu() {
    return g_boot_cpu;
}

// The MXCSR bits this CPU accepts (from the fxsave image of boot).
u32 mxcsr_mask() {
    const u32 m = load_u32(g_initial_fpu, FXSAVE_MXCSR_MASK);
    return m == 0 ? MXCSR_MASK_DEFAULT : m;
}

void init_user_mode() {
    // SSE for user code (the kernel itself is built without SSE, so user
    // FPU state is only touched by fxsave/fxrstor at the boundary).
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    u32 mxcsr = 0x1f80;
    // SAFETY: fninit/ldmxcsr/fxsave touch only the FPU and g_initial_fpu.
    asm volatile("fninit\n"
                 "ldmxcsr %1\n"
                 "fxsave64 %0"
                 : "=m"(g_initial_fpu)
                 : "m"(mxcsr));

    g_boot_cpu.tss_rsp0 = kernel_stack_slot();
    // SAFETY: GS_BASE points at this CPU's PerCpu while the kernel runs;
    // KERNEL_GS_BASE holds the user's GS base (swapped on every transition).
    wrmsr(MSR_GS_BASE, u64(&g_boot_cpu));
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, (u64(SEL_KERNEL_CODE) << 32) | (u64(0x18 | 3) << 48));
    wrmsr(MSR_LSTAR, u64(&keel_syscall_entry));
    // `syscall` from compatibility mode (user code may far-jump to the
    // 32-bit user code segment): AMD CPUs and QEMU enter ring 0 at CSTAR,
    // with the user's rsp. Left at 0 it would run user page 0 in ring 0.
    wrmsr(MSR_CSTAR, u64(&keel_syscall_compat_entry));
    // `sysenter` faults (#GP in user mode) only while SYSENTER_CS is 0; do
    // not rely on firmware having left it so.
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_SYSENTER_ESP, 0);
    wrmsr(MSR_SYSENTER_EIP, 0);
    wrmsr(MSR_SFMASK, SFMASK);
    wrmsr(MSR_FS_BASE, 0);
    // RDTSCP's ecx for user getcpu (the vDSO): node 0, CPU 0 (the boot CPU;
    // each CPU writes its own number when more are brought up).
    const u32 max_ext = cpuid(0x80000000).eax;
    if (max_ext >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 27)) != 0) {
        wrmsr(MSR_TSC_AUX, 0);
        g_tsc_aux_is_cpu = true;
    }
    g_boot_cpu.msr_fs_base = 0;
    g_boot_cpu.msr_user_gs_base = 0;
    g_boot_cpu.fpu_owner = 0;
}

void fpu_release() {
    PerCpu& cpu = this_cpu();
    if (cpu.fpu_owner != 0) {
        // SAFETY: fpu_owner is a live UserContext (its destructor clears
        // the field) whose state is in this CPU's registers; fxsave64
        // writes its 16-byte aligned 512-byte image.
        auto* owner = reinterpret_cast<UserContext*>(cpu.fpu_owner);
        owner->save_fpu_(owner->fpu_);
        cpu.fpu_owner = 0;
    }
}

// Called by the trap dispatcher for exceptions raised in user mode (and for
// preemption): saves the user state into the running context and returns
// from keel_enter_user with `why`.
[[noreturn]] void user_exit_from_trap(const TrapFrame& f, u32 why) {
    PerCpu& cpu = this_cpu();
    if (cpu.user_regs == 0) {
        panic("user-mode exception {} with no user context", f.vector);
    }
    // SAFETY: user_regs points at the UserRegs of the context execute_user()
    // is running; that call is still on this CPU's kernel stack.
    auto& r = *reinterpret_cast<UserRegs*>(cpu.user_regs);
    r.rax = f.rax;
    r.rbx = f.rbx;
    r.rcx = f.rcx;
    r.rdx = f.rdx;
    r.rsi = f.rsi;
    r.rdi = f.rdi;
    r.rbp = f.rbp;
    r.rsp = f.rsp;
    r.r8 = f.r8;
    r.r9 = f.r9;
    r.r10 = f.r10;
    r.r11 = f.r11;
    r.r12 = f.r12;
    r.r13 = f.r13;
    r.r14 = f.r14;
    r.r15 = f.r15;
    r.rip = f.rip;
    r.rflags = f.rflags;
    cpu.exit_vector = f.vector;
    cpu.exit_error = f.error;
    cpu.exit_cr2 = f.vector == 14 ? read_cr2() : 0;
    keel_user_exit_from_trap(why);
}

} // namespace keel::arch

namespace keel {

bool tsc_aux_is_cpu() {
    return arch::g_tsc_aux_is_cpu;
}

u32 current_cpu() {
    return 0; // this_cpu() is the boot CPU's PerCpu: the only one so far
}

u64 user_rflags_from_image(u64 current, u64 image) {
    return (current & ~arch::USER_RFLAGS_RESTORABLE) | (image & arch::USER_RFLAGS_RESTORABLE);
}

u32 user_hwcap() {
    return arch::features().hwcap; // set once by init_cpu() before services run
}

UserContext::UserContext() {
    __builtin_memcpy(fpu_, arch::g_initial_fpu, sizeof(fpu_));
}

void UserContext::save_fpu_(u8 (&image)[512]) const {
    // SAFETY: only called while this context's state is live in the
    // registers (this_cpu().fpu_owner == this); writes a 512-byte image.
    asm volatile("fxsave64 %0" : "=m"(image));
}

void UserContext::copy_fpu_from_(const UserContext& o) {
    if (arch::this_cpu().fpu_owner == u64(&o)) {
        o.save_fpu_(fpu_); // o's live registers, o itself stays live
    } else {
        __builtin_memcpy(fpu_, o.fpu_, sizeof(fpu_));
    }
}

FpuImage UserContext::fpu() const {
    FpuImage out{};
    alignas(16) u8 image[512];
    if (arch::this_cpu().fpu_owner == u64(this)) {
        save_fpu_(image);
    } else {
        __builtin_memcpy(image, fpu_, sizeof(image));
    }
    for (usize i = 0; i < out.size(); ++i) {
        out[i] = image[i];
    }
    return out;
}

bool UserContext::set_fpu(const FpuImage& image) {
    u32 mxcsr = 0;
    for (usize i = 0; i < 4; ++i) {
        mxcsr |= u32(image[arch::FXSAVE_MXCSR + i]) << (8 * i);
    }
    if ((mxcsr & ~arch::mxcsr_mask()) != 0) {
        return false;
    }
    if (arch::this_cpu().fpu_owner == u64(this)) {
        arch::this_cpu().fpu_owner = 0; // the registers no longer hold our state
    }
    for (usize i = 0; i < sizeof(fpu_); ++i) {
        fpu_[i] = image[i];
    }
    // MXCSR_MASK is an output of fxsave (ignored by fxrstor); keep the CPU's.
    __builtin_memcpy(fpu_ + arch::FXSAVE_MXCSR_MASK, arch::g_initial_fpu + arch::FXSAVE_MXCSR_MASK,
                     4);
    return true;
}

void UserContext::reset_fpu() {
    if (arch::this_cpu().fpu_owner == u64(this)) {
        arch::this_cpu().fpu_owner = 0;
    }
    __builtin_memcpy(fpu_, arch::g_initial_fpu, sizeof(fpu_));
}

UserContext::UserContext(const UserContext& o) : regs(o.regs), exception(o.exception) {
    copy_fpu_from_(o);
}

UserContext& UserContext::operator=(const UserContext& o) {
    if (this != &o) {
        regs = o.regs;
        exception = o.exception;
        if (arch::this_cpu().fpu_owner == u64(this)) {
            arch::this_cpu().fpu_owner = 0; // the registers no longer hold our state
        }
        copy_fpu_from_(o);
    }
    return *this;
}

UserContext::~UserContext() {
    if (arch::this_cpu().fpu_owner == u64(this)) {
        arch::this_cpu().fpu_owner = 0;
    }
}

UserExit execute_user(const VmSpace& space, UserContext& ctx) {
    using namespace arch;
    UserRegs& r = ctx.regs;
    if (!user_address(r.rip) || !user_address(r.rsp) || !user_address(r.fs_base) ||
        !user_address(r.gs_base)) {
        // iretq or wrmsr with these would fault in the kernel: report the
        // #GP the thread would have taken instead.
        ctx.exception = UserException{13, 0, 0};
        return UserExit::Exception;
    }
    r.rflags = (r.rflags & USER_RFLAGS_MASK) | RFLAGS_FIXED;
    space.activate();
    PerCpu& cpu = this_cpu();
    if (cpu.fpu_owner != u64(&ctx)) {
        fpu_release(); // another context's live state goes to its image
        // SAFETY: fpu_ is a 16-byte aligned 512-byte fxsave image, from
        // g_initial_fpu, a previous fxsave or set_fpu() (which refuses
        // reserved MXCSR bits); fxrstor64 of a bad MXCSR would #GP, so the
        // bits this CPU reserves are cleared again (defence in depth).
        u32 mxcsr = load_u32(ctx.fpu_, FXSAVE_MXCSR) & mxcsr_mask();
        __builtin_memcpy(ctx.fpu_ + FXSAVE_MXCSR, &mxcsr, 4);
        asm volatile("fxrstor64 %0" ::"m"(ctx.fpu_));
        cpu.fpu_owner = u64(&ctx);
        // Another context ran last: write both bases (no valid base is ~0).
        cpu.msr_fs_base = ~u64(0);
        cpu.msr_user_gs_base = ~u64(0);
    }
    // The registers hold ctx's state from here on; it stays there after
    // the exit (no fxsave per syscall: the kernel is built without x87 and
    // SSE, so nothing in it touches these registers) until fpu_release()
    // at a task switch, another context's entry, or a copy reads it.
    //
    // FS/GS bases: when the same context re-enters, written only if they
    // changed. User code cannot write the MSRs (CR4.FSGSBASE is off);
    // loading a segment selector into fs/gs can only zero its own base
    // (flat user descriptors), which then stays zero for that thread, as on
    // Linux; any other context's entry rewrites both.
    if (cpu.msr_fs_base != r.fs_base) {
        wrmsr(MSR_FS_BASE, r.fs_base);
        cpu.msr_fs_base = r.fs_base;
    }
    if (cpu.msr_user_gs_base != r.gs_base) {
        wrmsr(MSR_KERNEL_GS_BASE, r.gs_base);
        cpu.msr_user_gs_base = r.gs_base;
    }
    // sysretq for the common case, a return from a syscall whose registers
    // the kernel did not redirect: it reloads rip from rcx and rflags from
    // r11, so those must already be the values to resume with. rip is
    // below USER_END (checked above), hence canonical: sysretq cannot #GP
    // in ring 0 on the user stack. TF set goes through iretq, which
    // single-steps the next user instruction, not the one after it (and
    // RF, which sysretq cannot restore, is never set in user rflags).
    const u32 sysret = r.rcx == r.rip && r.r11 == r.rflags && (r.rflags & RFLAGS_TF) == 0;
    // SAFETY: keel_enter_user saves the kernel context on this stack, enters
    // CPL 3 with the validated registers and returns here on the next
    // syscall or user exception.
    const u64 entered = monotonic_ns();
    u32 why = keel_enter_user(&r, sysret);
    this_cpu().user_regs = 0;
    // User-mode time (interrupts taken there included, as Linux's tick
    // accounting charges them): no task switch happens inside.
    sched::charge_user(monotonic_ns() - entered);
    if (why == u32(UserExit::Preempted)) {
        return UserExit::Preempted;
    }
    if (why == u32(UserExit::Exception)) {
        ctx.exception =
            UserException{this_cpu().exit_vector, this_cpu().exit_error, this_cpu().exit_cr2};
        return UserExit::Exception;
    }
    return UserExit::Syscall;
}

} // namespace keel
