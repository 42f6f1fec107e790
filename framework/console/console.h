// The kernel console: serializes output from all CPUs to the serial port and,
// while a capture is active (ktest should-panic tests), to a memory buffer.
#pragma once

#include <klib/span.h>
#include <klib/string_view.h>

namespace keel::console {

// Writes whole lines atomically with respect to other writers.
void write(klib::StringView s);

// Panic path: stops taking the console lock (a panicking CPU may hold it).
void enter_panic_mode();
void leave_panic_mode();

// Capture: copies all console output into an internal buffer until stopped.
void capture_start();
void capture_stop();
klib::StringView captured();

} // namespace keel::console

namespace keel::console {
// Writes straight to the UART, no lock, no capture (recursive panics).
void serial_write_raw(klib::StringView s);
} // namespace keel::console
