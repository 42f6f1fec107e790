#include "queue.h"

namespace services::virtio {

namespace {
constexpr u16 DESC_F_NEXT = 1;
constexpr u16 DESC_F_WRITE = 2;
} // namespace

klib::Result<Virtqueue> Virtqueue::create(const Transport& t, u16 index, u16 max_size) {
    const u16 offered = t.queue_max_size(index);
    if (offered == 0) {
        return klib::Err(klib::Error::NotFound);
    }
    u16 size = offered < max_size ? offered : max_size;
    // Queue sizes are powers of two (split rings).
    while ((size & (size - 1)) != 0) {
        size = u16(size & (size - 1));
    }
    const usize bytes =
        ((usize(size) * 16 + 6 + 2 * usize(size) + 3) & ~usize(3)) + 6 + 8 * usize(size);
    keel::DmaCoherent ring =
        TRY(keel::DmaCoherent::alloc((bytes + keel::Frame::SIZE - 1) / keel::Frame::SIZE));
    Virtqueue q(klib::move(ring), index, size);
    for (u16 i = 0; i < size; ++i) {
        TRY(q.free_.try_push(u16(size - 1 - i)));
        TRY(q.in_use_.try_push(0));
    }
    const u64 base = q.ring_.device_addr();
    t.setup_queue(index, size, base, base + q.avail_off(), base + q.used_off());
    return q;
}

klib::Result<u16> Virtqueue::submit(const Transport& t, klib::Span<const Buffer> chain) {
    if (chain.empty() || chain.size() > free_.size()) {
        return klib::Err(klib::Error::Busy);
    }
    // Take the ids first, then link them: chain[i] -> chain[i + 1].
    klib::Vec<u16> ids;
    for (usize i = 0; i < chain.size(); ++i) {
        TRY(ids.try_push(free_.pop()));
        in_use_[ids[i]] = 1;
    }
    for (usize i = 0; i < chain.size(); ++i) {
        const usize d = desc_off(ids[i]);
        u16 flags = chain[i].device_writes ? DESC_F_WRITE : 0;
        u16 next = 0;
        if (i + 1 < chain.size()) {
            flags = u16(flags | DESC_F_NEXT);
            next = ids[i + 1];
        }
        TRY(ring_.write_val<u64>(d, chain[i].device_addr));
        TRY(ring_.write_val<u32>(d + 8, chain[i].len));
        TRY(ring_.write_val<u16>(d + 12, flags));
        TRY(ring_.write_val<u16>(d + 14, next));
    }
    // avail->ring[avail_idx % size] = head; then publish avail->idx.
    TRY(ring_.write_val<u16>(avail_off() + 4 + 2 * usize(avail_idx_ % size_), ids[0]));
    avail_idx_ = u16(avail_idx_ + 1);
    TRY(ring_.write_val<u16>(avail_off() + 2, avail_idx_));
    t.notify(index_);
    return ids[0];
}

klib::Optional<Used> Virtqueue::poll() {
    const u16 device_idx = ring_.read_val<u16>(used_off() + 2).value_or(last_used_);
    if (device_idx == last_used_) {
        return klib::none;
    }
    const usize elem = used_off() + 4 + 8 * usize(last_used_ % size_);
    const u32 id = ring_.read_val<u32>(elem).value_or(0);
    const u32 len = ring_.read_val<u32>(elem + 4).value_or(0);
    last_used_ = u16(last_used_ + 1);
    if (id >= size_) {
        return klib::none; // a misbehaving device: ignore the entry
    }
    // Return the chain's descriptors to the free list (only ones we handed
    // out: a device reporting an id twice cannot duplicate descriptors).
    u16 d = u16(id);
    for (u16 n = 0; n < size_ && in_use_[d] != 0; ++n) {
        in_use_[d] = 0;
        (void)free_.try_push(d); // never beyond size_ entries
        const u16 flags = ring_.read_val<u16>(desc_off(d) + 12).value_or(0);
        if ((flags & DESC_F_NEXT) == 0) {
            break;
        }
        d = ring_.read_val<u16>(desc_off(d) + 14).value_or(0);
        if (d >= size_) {
            break;
        }
    }
    return Used{u16(id), len};
}

} // namespace services::virtio
