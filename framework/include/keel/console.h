// The system console (the serial port) as a byte sink for services, e.g. a
// tty driver writing a process's output. Writes are serialised with kernel
// log lines; bytes are sent as they are (a "\n" becomes "\r\n" on the wire).
#pragma once

#include <klib/annotations.h>
#include <klib/span.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

void console_write(klib::Span<const u8> bytes);
// As console_write, with no translation: the bytes go to the wire as they
// are (a terminal's line discipline does its own output processing).
// Any context (interrupts may be off).
void console_write_raw(klib::Span<const u8> bytes);

} // namespace keel

KLIB_TRUSTED_END
