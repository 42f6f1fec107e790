// 16550 UART on COM1 (polled). Framework-private.
#pragma once

#include <klib/string_view.h>

namespace keel::console {

void serial_init();
void serial_write(klib::StringView s);

} // namespace keel::console
