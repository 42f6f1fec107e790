// Memory bring-up. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::mm {

// Frames, kernel page tables, heap, guarded stacks for the IST.
void init();
u64 free_bytes();

} // namespace keel::mm
