// The address ranges a process has reserved (Linux's VMAs without their
// attributes): the loaded image, the stack, the heap and every mmap. A
// reserved page that is not mapped in the VmSpace is a PROT_NONE page.
// mmap places new ranges top-down in the gaps; munmap and MAP_FIXED cut
// ranges in pieces. Limitation: mprotect(PROT_NONE) drops the frames of
// the range, so making it accessible again gives zeroed pages (Linux keeps
// the contents).
#pragma once

#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::process {

struct Area {
    u64 start = 0; // page-aligned
    u64 end = 0;   // exclusive, page-aligned, > start
};

class VmAreas {
public:
    // Reserves [start, end), replacing any overlapping part of other areas.
    klib::Result<void> insert(u64 start, u64 end);
    // Releases [start, end), splitting areas that straddle its ends.
    klib::Result<void> remove(u64 start, u64 end);
    // True when some byte of [start, end) is reserved.
    bool overlaps(u64 start, u64 end) const;
    // True when every byte of [start, end) is reserved.
    bool covers(u64 start, u64 end) const;
    // The highest page-aligned start s with [s, s + len) free and inside
    // [low, high); none when no gap is large enough.
    klib::Optional<u64> find_free(u64 len, u64 low, u64 high) const;
    // The reserved parts of [start, end), in address order.
    klib::Result<klib::Vec<Area>> intersect(u64 start, u64 end) const;

    usize count() const { return areas_.size(); }

private:
    klib::Vec<Area> areas_; // sorted by start, disjoint
};

} // namespace services::process
