// Clocks.
#pragma once

#include <klib/annotations.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// Nanoseconds since boot, monotonic, from the calibrated TSC. 0 before the
// clock is calibrated (very early boot).
u64 monotonic_ns();

// Timer interrupts taken on this CPU since interrupts were enabled.
u64 timer_ticks();

// Timer interrupt frequency in Hz.
constexpr u64 TIMER_HZ = 100;

// Busy-waits for at least `ns` nanoseconds.
void delay_ns(u64 ns);

} // namespace keel

KLIB_TRUSTED_END
