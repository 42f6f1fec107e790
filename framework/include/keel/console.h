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

} // namespace keel

KLIB_TRUSTED_END
