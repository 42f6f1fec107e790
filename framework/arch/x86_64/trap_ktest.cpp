// ktests for the trap entry: exception vectors injected as interrupts.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include <keel/ktest.h>
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

} // namespace keel::arch
