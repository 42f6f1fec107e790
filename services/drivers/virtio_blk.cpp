#include "virtio_blk.h"

#include <klib/array.h>

namespace services::drivers {

namespace {
constexpr u32 T_IN = 0;
constexpr u32 T_OUT = 1;
constexpr u64 F_RO = u64(1) << 5;
constexpr usize HEADER = 0;
constexpr usize STATUS = 16;
constexpr usize DATA = 4096;
constexpr u32 POLL_LIMIT = 100000000;
} // namespace

bool VirtioBlk::matches(const pci::Device& dev) {
    return dev.vendor == 0x1af4 && (dev.device == 0x1042 || dev.device == 0x1001);
}

klib::Result<VirtioBlk> VirtioBlk::probe(const pci::ConfigSpace& cfg, const pci::Device& dev) {
    if (!matches(dev)) {
        return klib::Err(klib::Error::NotFound);
    }
    virtio::Transport t = TRY(virtio::Transport::open(cfg, dev));
    const u64 features = TRY(t.negotiate(F_RO));
    virtio::Virtqueue q = TRY(virtio::Virtqueue::create(t, 0, 64));
    keel::Segment dma = TRY(keel::Segment::alloc(2));
    const u64 capacity = t.device_read64(0);
    t.driver_ok();
    return VirtioBlk(klib::move(t), klib::move(q), klib::move(dma), capacity,
                     (features & F_RO) != 0);
}

klib::Result<void> VirtioBlk::request(u32 type, u64 sector, usize bytes) {
    if (bytes == 0 || bytes % SECTOR != 0 || bytes > MAX_SECTORS * SECTOR) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    if (sector >= capacity_ || bytes / SECTOR > capacity_ - sector) {
        return klib::Err(klib::Error::OutOfRange);
    }
    TRY(dma_.write_val<u32>(HEADER, type));
    TRY(dma_.write_val<u32>(HEADER + 4, 0));
    TRY(dma_.write_val<u64>(HEADER + 8, sector));
    TRY(dma_.write_val<u8>(STATUS, 0xff));
    const u64 base = dma_.paddr();
    const klib::Array<virtio::Buffer, 3> chain = {
        virtio::Buffer{base + HEADER, 16, false},
        virtio::Buffer{base + DATA, u32(bytes), type == T_IN},
        virtio::Buffer{base + STATUS, 1, true},
    };
    const u16 head = TRY(queue_.submit(transport_, chain.span()));
    for (u32 spin = 0;; ++spin) {
        auto done = queue_.poll();
        if (done.has_value() && done.value().head == head) {
            break;
        }
        if (spin == POLL_LIMIT) {
            return klib::Err(klib::Error::TimedOut);
        }
    }
    const u8 st = TRY(dma_.read_val<u8>(STATUS));
    return st == 0 ? klib::Result<void>() : klib::Err(klib::Error::IoError);
}

klib::Result<void> VirtioBlk::read(u64 sector, klib::Span<u8> out) {
    TRY(request(T_IN, sector, out.size()));
    return dma_.read_bytes(DATA, out);
}

klib::Result<void> VirtioBlk::write(u64 sector, klib::Span<const u8> in) {
    if (read_only_) {
        return klib::Err(klib::Error::PermissionDenied);
    }
    if (in.size() > MAX_SECTORS * SECTOR) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    TRY(dma_.write_bytes(DATA, in));
    return request(T_OUT, sector, in.size());
}

} // namespace services::drivers
