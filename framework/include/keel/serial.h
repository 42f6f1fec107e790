// Input from the system console's serial port (COM1), interrupt-driven.
//
//   keel::serial_input::start();              // once, at service start-up
//   klib::Array<u8, 64> buf{};
//   keel::serial_input::wait();               // task context: sleeps
//   usize n = keel::serial_input::read(buf.span());
//
// The framework owns the UART: its interrupt handler (ISA IRQ 4 through the
// I/O APIC) drains the receive FIFO into a 4 KiB ring and wakes waiters.
// Services see only the received bytes, never the ports. When the ring is
// full, new bytes are dropped and counted (a real UART overruns too).
//
// Output for a terminal goes through console_write_raw (keel/console.h).
#pragma once

#include <klib/annotations.h>
#include <klib/span.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel::serial_input {

// Turns on the receive interrupt. False (and input stays off) when there is
// no UART or no I/O APIC to route its line. Idempotent; task context.
bool start();
// Whether start() succeeded.
bool running();
// Moves up to out.size() received bytes, oldest first, into `out`; returns
// how many. Never blocks; any context.
usize read(klib::Span<u8> out);
// Sleeps until at least one byte is buffered. Task context only. Returns
// at once if input is not running (callers loop on read()).
void wait();
// As wait(), giving up after `timeout_ns`; true when bytes are buffered.
bool wait_for(u64 timeout_ns);
// Bytes lost because the ring was full, and interrupts taken, since boot.
u64 dropped();
u64 interrupts();

} // namespace keel::serial_input

KLIB_TRUSTED_END
