// The global physical frame allocator. Framework-private.
#pragma once

#include "mm/buddy.h"
#include <klib/optional.h>

namespace keel::mm {

// Sets up frame metadata and the buddy allocator from the boot memory map.
// Panics with a clear message if memory is too small.
void frames_init();
// Adds the memory above 4 GiB; call once the direct map covers it.
void frames_init_high();

// Allocates 2^order contiguous frames for `use`; returns the physical
// address of the first, or none. Untyped frames are zero-filled.
klib::Optional<u64> alloc_frames(u32 order, FrameUse use);
void free_frames(u64 phys, u32 order);

// Refcount operations on Untyped blocks handed out as keel::Frame/Segment.
void frame_ref_inc(u64 phys);
// Returns true when the count dropped to zero (the caller frees).
bool frame_ref_dec(u64 phys);
u32 frame_refcount(u64 phys);
FrameUse frame_use(u64 phys);

u64 free_bytes();
u64 max_phys(); // one past the highest physical address in the frame map

// Test hook: after `after` more successful allocations, the next `n`
// allocations fail (n = 0: none).
void inject_frame_failures(u32 n, u32 after = 0);

} // namespace keel::mm
