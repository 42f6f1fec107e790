// The register frame pushed by traps.S. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::arch {

struct TrapFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error;
    u64 rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);

constexpr u8 VEC_TIMER = 32;
constexpr u8 VEC_SPURIOUS = 0xff;

// Prints the frame's registers (used before a panic).
void dump_registers(const TrapFrame& f);

} // namespace keel::arch
