// Device interrupt dispatch. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::irq {

constexpr u8 FIRST_DEVICE_VECTOR = 0x40;
constexpr u8 LAST_DEVICE_VECTOR = 0xdf;

// Runs the handler of a device vector; false if `vector` is not one.
bool dispatch(u8 vector);

} // namespace keel::irq
