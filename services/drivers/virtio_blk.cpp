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
constexpr u64 TIMEOUT_NS = 5000000000ull; // a device that never answers
} // namespace

bool VirtioBlk::matches(const pci::Device& dev) {
    return dev.vendor == 0x1af4 && (dev.device == 0x1042 || dev.device == 0x1001);
}

klib::Result<VirtioBlk> VirtioBlk::probe(pci::Device&& dev) {
    if (!matches(dev)) {
        return klib::Err(klib::Error::NotFound);
    }
    virtio::Transport t = TRY(virtio::Transport::open(klib::move(dev.fn)));
    const u64 features = TRY(t.negotiate(F_RO | virtio::F_ACCESS_PLATFORM));
    // Completions by interrupt when the device does MSI-X; else polling.
    klib::Arc<Completion> done = TRY(klib::Arc<Completion>::make());
    klib::Optional<keel::IrqLine> irq;
    auto handler = klib::Function<void()>::make([c = done.clone()] { (*c).wq.wake_all(); });
    if (handler.is_ok()) {
        auto line = keel::IrqLine::alloc(handler.release_value());
        if (line.is_ok() && t.use_msix(0, line.value()).is_ok()) {
            irq.emplace(line.release_value());
        }
    }
    virtio::Virtqueue q = TRY(virtio::Virtqueue::create(t, 0, 64));
    keel::DmaCoherent dma = TRY(keel::DmaCoherent::alloc(2));
    const u64 capacity = t.device_read64(0);
    t.driver_ok();
    return VirtioBlk(klib::move(t), klib::move(q), klib::move(dma), capacity, (features & F_RO) != 0,
                     klib::move(done), klib::move(irq));
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
    const u64 base = dma_.device_addr();
    const klib::Array<virtio::Buffer, 3> chain = {
        virtio::Buffer{base + HEADER, 16, false},
        virtio::Buffer{base + DATA, u32(bytes), type == T_IN},
        virtio::Buffer{base + STATUS, 1, true},
    };
    const u16 head = TRY(queue_.submit(transport_, chain.span()));
    TRY(wait_for(head));
    const u8 st = TRY(dma_.read_val<u8>(STATUS));
    return st == 0 ? klib::Result<void>() : klib::Err(klib::Error::IoError);
}

klib::Result<void> VirtioBlk::wait_for(u16 head) {
    bool finished = false;
    if (irq_.has_value()) {
        const bool ok = (*done_).wq.wait_until_for(
            [&] {
                auto used = queue_.poll();
                finished = finished || (used.has_value() && used.value().head == head);
                return finished;
            },
            TIMEOUT_NS);
        return ok ? klib::Result<void>() : klib::Err(klib::Error::TimedOut);
    }
    for (u32 spin = 0; spin < POLL_LIMIT; ++spin) {
        auto used = queue_.poll();
        if (used.has_value() && used.value().head == head) {
            return {};
        }
    }
    return klib::Err(klib::Error::TimedOut);
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
