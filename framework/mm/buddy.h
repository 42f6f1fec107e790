// Buddy allocator over physical frame numbers, with per-frame metadata.
//
// Hardware-free (it only touches the metadata array it is given), so it is
// unit-tested on the host (tests/host/buddy_test.cpp). The framework wraps it
// in a lock (mm/frame_allocator.cpp); this class itself is not thread-safe.
#pragma once

#include <klib/optional.h>
#include <klib/types.h>

namespace keel::mm {

// What a frame is used for. Only Untyped frames may ever be handed to
// services (mapped to user space, read/written as bytes, given to DMA).
enum class FrameUse : u8 { Free = 0, Reserved, Untyped, PageTable, Heap, KernelStack, Meta };

struct FrameMeta {
    u32 next; // free-list links (frame numbers), valid while free
    u32 prev;
    u8 order;     // block order, valid for the head frame of a block
    FrameUse use; // owner state; one at a time
    u8 is_head;   // 1 for the first frame of a free or allocated block
    u8 reserved0;
    u32 refcount; // for Untyped frames handed out as keel::Frame/Segment
};
static_assert(sizeof(FrameMeta) == 16);

constexpr u32 MAX_ORDER = 10; // blocks of up to 2^10 frames = 4 MiB

class BuddyAllocator {
public:
    static constexpr u32 NIL = 0xffffffff;

    // `meta` has `nframes` entries; all frames start Reserved.
    void init(FrameMeta* meta, u64 nframes);

    // Makes [first, first+count) allocatable (frames must be Reserved and
    // within range; others are skipped).
    void add_free_range(u64 first, u64 count);

    // Allocates 2^order contiguous frames aligned to 2^order; returns the
    // first frame number, or none when no block is large enough.
    klib::Optional<u64> alloc(u32 order, FrameUse use);

    // Frees a block previously returned by alloc() with the same order.
    // Returns false (and changes nothing) when the block is not an
    // allocated head of that order: a double free is detected, not obeyed.
    bool free(u64 pfn, u32 order);

    u64 free_frames() const { return free_frames_; }
    u64 total_frames() const { return nframes_; }
    FrameMeta& meta(u64 pfn) { return meta_[pfn]; }
    const FrameMeta& meta(u64 pfn) const { return meta_[pfn]; }

    // Checks every invariant (free lists well-formed, counts consistent);
    // for tests. Returns false on the first violation.
    bool check_invariants() const;

private:
    void push(u32 order, u64 pfn);
    void unlink(u32 order, u64 pfn);

    FrameMeta* meta_ = nullptr;
    u64 nframes_ = 0;
    u64 free_frames_ = 0;
    u32 heads_[MAX_ORDER + 1];
};

} // namespace keel::mm
