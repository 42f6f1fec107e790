// TSC calibration and the timer tick. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::time {

// Measures the TSC frequency against the PIT (channel 2, gated).
void calibrate_tsc();
u64 tsc_hz();
// Busy-waits `us` microseconds using PIT channel 2 (for calibrations).
void pit_wait_us(u32 us);
// Called by the timer interrupt handler.
void on_tick();

} // namespace keel::time
