// Virtual memory areas: the ranges of an address space with what user code
// may do there and what backs them (Linux's VMAs). Pure bookkeeping: the
// page tables are changed by AddressSpace (address_space.h), which keeps
// them consistent with the set.
#pragma once

#include "page_cache.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::mm {

constexpr u64 PAGE = keel::Frame::SIZE;
constexpr u32 PROT_READ = 1;
constexpr u32 PROT_WRITE = 2;
constexpr u32 PROT_EXEC = 4;

inline u64 page_down(u64 v) {
    return v & ~(PAGE - 1);
}
// Rounds up; 0 when v rounds past the top of the address range.
inline u64 page_up(u64 v) {
    return (v + PAGE - 1) & ~(PAGE - 1);
}

struct Vma {
    u64 start = 0; // page-aligned
    u64 end = 0;   // exclusive, page-aligned, > start
    u32 prot = 0;  // PROT_* bits; 0 is PROT_NONE
    bool shared = false;
    // None: anonymous. Private anonymous pages are zero-filled on first
    // touch; a shared anonymous mapping always has a cache.
    klib::Optional<klib::Arc<PageCache>> backing;
    u64 offset = 0; // byte offset in `backing` of `start`

    Vma clone() const;
    // The part [lo, hi) of this area (offset adjusted).
    Vma slice(u64 lo, u64 hi) const;
    // Same attributes and contiguous backing: the two can be one area.
    bool joins(const Vma& next) const;
};

// At most this many areas per space (Linux's vm.max_map_count default):
// mmap, and munmap/mprotect that would split an area, fail with ENOMEM.
constexpr usize MAX_AREAS = 65530;

// Kept in a sorted vector: lookups are binary searches, changes move the
// tail of the vector (a balanced tree is the step after).
class VmaSet {
public:
    // The area containing `addr`.
    klib::Optional<usize> find(u64 addr) const;
    // A copy of area i (i < count()).
    Vma get(usize i) const { return areas_[i].clone(); }
    usize count() const { return areas_.size(); }

    // Adds `v`, which must not overlap any area (InvalidArgument), merging
    // it with equal neighbours.
    klib::Result<void> insert(Vma v);
    // Removes [start, end) from every area, splitting those that straddle
    // its ends.
    klib::Result<void> remove(u64 start, u64 end);
    // Sets `prot` on [start, end) (splitting at its ends; merging after).
    klib::Result<void> protect(u64 start, u64 end, u32 prot);
    // The parts of areas inside [start, end), in address order.
    klib::Result<klib::Vec<Vma>> intersect(u64 start, u64 end) const;

    bool overlaps(u64 start, u64 end) const;
    bool covers(u64 start, u64 end) const;
    // The highest page-aligned s with [s, s + len) free inside [low, high).
    klib::Optional<u64> find_free(u64 len, u64 low, u64 high) const;

    klib::Result<VmaSet> clone() const;

private:
    // Index of the first area with end > addr (count() if none).
    usize first_ending_after(u64 addr) const;
    void merge_around(usize i);
    klib::Vec<Vma> areas_; // sorted by start, disjoint
};

} // namespace services::mm
