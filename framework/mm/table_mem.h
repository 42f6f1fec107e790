// Page-table frame access for PageTableOps in the kernel: tables are typed
// PageTable frames reached through the direct map. Framework-private.
#pragma once

#include "mm/frame_allocator.h"
#include "mm/phys.h"

namespace keel::mm {

struct TableMem {
    u64* table(u64 phys) {
        // SAFETY: callers pass only page-table frames (allocated by
        // alloc_table() as FrameUse::PageTable), which are direct-mapped.
        return phys_ptr<u64>(phys);
    }
    klib::Optional<u64> alloc_table() { return alloc_frames(0, FrameUse::PageTable); }
    void free_table(u64 phys) { free_frames(phys, 0); }
};

} // namespace keel::mm
