// TSC calibration and the timer tick. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::time {

// Measures the TSC frequency against the PIT (channel 2, gated).
void calibrate_tsc();
u64 tsc_hz();
// Nanoseconds since the CPU was reset (the TSC starts at 0 at power-on in
// QEMU), i.e. including firmware time; for the boot banner.
u64 ns_since_reset();
// Busy-waits `us` microseconds using PIT channel 2 (for calibrations).
void pit_wait_us(u32 us);
// Called by the timer interrupt handler.
void on_tick();

} // namespace keel::time
