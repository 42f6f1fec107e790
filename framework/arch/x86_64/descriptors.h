// Segment selectors and TSS access. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::arch {

constexpr u16 SEL_KERNEL_CODE = 0x08;
constexpr u16 SEL_KERNEL_DATA = 0x10;
constexpr u16 SEL_USER_DATA = 0x20 | 3;
constexpr u16 SEL_USER_CODE = 0x28 | 3;
constexpr u16 SEL_TSS = 0x30;

constexpr u8 IST_DOUBLE_FAULT = 1;
constexpr u8 IST_NMI = 2;
constexpr u8 IST_MACHINE_CHECK = 3;

void init_descriptors();
void set_ist_stack(u8 ist, u64 top);
void set_kernel_stack(u64 top);
// Address of TSS.rsp[0] (the stack for traps from user mode).
u64 kernel_stack_slot();

} // namespace keel::arch
