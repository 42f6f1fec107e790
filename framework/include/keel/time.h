// Clocks.
#pragma once

#include <klib/annotations.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// Nanoseconds since boot, monotonic, from the calibrated TSC. 0 before the
// clock is calibrated (very early boot).
u64 monotonic_ns();

// The counter behind monotonic_ns(), for clocks read in user mode (the
// vDSO): monotonic_ns() == d / hz * 1e9 + d % hz * 1e9 / hz with
// d = rdtsc() - base. hz is 0 before calibration. Fixed after calibration.
struct TscClock {
    u64 base;
    u64 hz;
};
TscClock tsc_clock();

// True when user-mode `rdtscp` returns (node << 12) | cpu in ecx on every
// CPU (IA32_TSC_AUX, written at CPU init), as on Linux: the vDSO's getcpu.
bool tsc_aux_is_cpu();

// Timer interrupts taken on this CPU since interrupts were enabled.
u64 timer_ticks();

// Timer interrupt frequency in Hz.
constexpr u64 TIMER_HZ = 100;

// Busy-waits for at least `ns` nanoseconds.
void delay_ns(u64 ns);

} // namespace keel

KLIB_TRUSTED_END
