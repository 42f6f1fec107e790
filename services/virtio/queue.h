// A split virtqueue (virtio 1.2, 2.7) in one coherent DMA buffer.
#pragma once

#include "transport.h"
#include <keel/dma.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/vec.h>

namespace services::virtio {

struct Buffer {
    u64 device_addr{}; // from a keel::DmaCoherent or DmaStream
    u32 len{};
    bool device_writes{}; // VIRTQ_DESC_F_WRITE
};

struct Used {
    u16 head{}; // the id submit() returned
    u32 len{};  // bytes the device wrote
};

class Virtqueue {
public:
    // Sets up queue `index` with at most `max_size` entries.
    static klib::Result<Virtqueue> create(const Transport& t, u16 index, u16 max_size);

    // Puts a descriptor chain on the available ring and notifies the
    // device. Returns the head id, or Busy when too few descriptors are free.
    klib::Result<u16> submit(const Transport& t, klib::Span<const Buffer> chain);
    // The next completed chain, if the device has finished one; its
    // descriptors are free again.
    klib::Optional<Used> poll();

    u16 size() const { return size_; }

private:
    Virtqueue(keel::DmaCoherent&& ring, u16 index, u16 size)
        : ring_(klib::move(ring)), index_(index), size_(size) {}
    usize desc_off(u16 i) const { return usize(i) * 16; }
    usize avail_off() const { return usize(size_) * 16; }
    usize used_off() const { return (avail_off() + 6 + 2 * usize(size_) + 3) & ~usize(3); }

    keel::DmaCoherent ring_;
    u16 index_;
    u16 size_;
    klib::Vec<u16> free_;  // free descriptor ids
    klib::Vec<u8> in_use_; // 1 while a descriptor belongs to a submitted chain
    u16 avail_idx_ = 0;
    u16 last_used_ = 0;
};

} // namespace services::virtio
