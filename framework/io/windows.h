// Which physical ranges may be device windows. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::io {

// Whether [start, end) may be handed to a driver: memory (whole pages,
// io = false) or I/O ports (io = true); see keel/io.h for what is refused.
bool window_allowed(u64 start, u64 end, bool io);

} // namespace keel::io
