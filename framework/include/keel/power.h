// Stopping the machine.
#pragma once

#include <klib/annotations.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// Status values written to QEMU's isa-debug-exit device (iobase 0xf4); QEMU
// exits with (value << 1) | 1, i.e. 33, 35 and 37.
enum class ExitCode : u32 { Success = 0x10, Failure = 0x11, Panic = 0x12 };

// ACPI S5 soft-off (QEMU exits with status 0 under -no-reboot). If ACPI is
// unusable, prints why and halts.
[[noreturn]] void poweroff();

// Resets the machine (the 0xcf9 reset control register, then the 8042
// keyboard controller's reset line); halts if both are ignored.
[[noreturn]] void restart();

// Stops the CPU with interrupts off (Linux's "System halted").
[[noreturn]] void halt();

// Under test (isa-debug-exit present): QEMU exits with the code's status.
// Otherwise: Success powers off, failures halt with a message.
[[noreturn]] void exit_qemu(ExitCode code);

} // namespace keel

KLIB_TRUSTED_END
