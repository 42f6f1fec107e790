// 16550 UART on COM1 (output polled, input by interrupt: serial_input.cpp). Framework-private.
#pragma once

#include <klib/optional.h>
#include <klib/string_view.h>

namespace keel::console {

void serial_init();
void serial_write(klib::StringView s);
// As serial_write, without turning "\n" into "\r\n" (a terminal's output
// processing has done that, or is off).
void serial_write_bytes(klib::StringView s);
bool serial_present();
// A received byte, if the receive buffer holds one (any context).
klib::Optional<u8> serial_rx_byte();
// Enables the "received data available" interrupt (IER bit 0, OUT2).
void serial_enable_rx_irq();
// Internal loopback (MCR bit 4): what is sent comes back as input. ktests.
void serial_set_loopback(bool on);
void serial_put_raw(u8 c);

} // namespace keel::console
