// ktests for the trap entry: exception vectors injected as interrupts.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include <keel/ktest.h>
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <klib/array.h>

namespace keel::arch {

// Vectors 17, 21, 29 and 30 are ones the CPU pushes an error code for; sent
// as fixed interrupts (as an MSI write or an IPI can) they arrive without
// one. The entry must see that from the stack alignment, report the vector
// and return, rather than parse a frame shifted by a word (and decide
// swapgs from RFLAGS). Interrupts from user mode take the same stubs.
KTEST(trap_exception_vector_injected_without_error_code_is_reported) {
    const klib::Array<u8, 4> vectors = {17, 21, 29, 30};
    for (u8 v : vectors) {
        const u64 before = injected_vectors();
        send_self_ipi(v);
        for (u32 i = 0; i < 1000000 && injected_vectors() == before; ++i) {
            pause();
        }
        KEXPECT_EQ(injected_vectors(), before + 1);
    }
}

// The same while user code runs: the vector is made pending with interrupts
// off, so it arrives on the first user instruction (saved CS = user, the
// user's GS base live). The entry must swap GS, report, swap back and
// return to user mode, which then makes its syscall as if nothing happened.
KTEST(trap_exception_vector_injected_in_user_mode_is_reported) {
    const klib::Array<u8, 4> code = {0x90, 0x90, 0x0f, 0x05}; // nop; nop; syscall
    VmSpace space = MUST(VmSpace::create());
    Frame text = MUST(Frame::alloc());
    MUST(text.write_bytes(0, code.span()));
    MUST(space.map(0x400000, klib::move(text), VmPerms{false, true}));
    MUST(space.map(0x7fff0000 - VmSpace::PAGE, MUST(Frame::alloc()), VmPerms{true, false}));
    UserContext ctx;
    ctx.regs.rip = 0x400000;
    ctx.regs.rsp = 0x7fff0000;
    ctx.regs.gs_base = 0x1234000; // a user GS base: must not be used by the kernel
    const u64 before = injected_vectors_from_user();
    cli();
    send_self_ipi(30);
    const UserExit why = execute_user(space, ctx);
    sti();
    KEXPECT(why == UserExit::Syscall);
    KEXPECT_EQ(ctx.regs.rip, u64(0x400004));
    KEXPECT_EQ(injected_vectors_from_user(), before + 1);
}

} // namespace keel::arch
