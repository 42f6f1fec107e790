// virtio-blk driver (virtio 1.2, 5.2): synchronous, polled sector I/O.
#pragma once

#include "../virtio/queue.h"
#include <keel/dma.h>
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <keel/irq.h>
#include <keel/task.h>
#include <klib/span.h>

namespace services::drivers {

class VirtioBlk {
public:
    static constexpr u64 SECTOR = 512;
    static constexpr usize MAX_SECTORS = 8; // per request (one 4 KiB buffer)

    // Whether `dev` is a virtio block device (modern or transitional id).
    static bool matches(const pci::Device& dev);
    // Takes the device's function; NotFound if it does not match.
    static klib::Result<VirtioBlk> probe(pci::Device&& dev);

    u64 capacity_sectors() const { return capacity_; }
    // Whether completions arrive by interrupt (MSI-X) rather than polling.
    bool interrupt_driven() const { return irq_.has_value(); }
    u64 interrupts() const { return irq_.has_value() ? irq_.value().count() : 0; }
    bool read_only() const { return read_only_; }

    // Reads/writes out.size() / 512 sectors (1..MAX_SECTORS) at `sector`.
    // OutOfRange past the end of the disk, IoError if the device reports
    // failure, PermissionDenied writing a read-only disk.
    klib::Result<void> read(u64 sector, klib::Span<u8> out);
    klib::Result<void> write(u64 sector, klib::Span<const u8> in);

    struct Completion {
        keel::WaitQueue wq;
    };

private:
    VirtioBlk(virtio::Transport&& t, virtio::Virtqueue&& q, keel::DmaCoherent&& dma, u64 cap, bool ro,
              klib::Arc<Completion>&& done, klib::Optional<keel::IrqLine>&& irq)
        : queue_(klib::move(q)), dma_(klib::move(dma)), capacity_(cap), read_only_(ro),
          done_(klib::move(done)), irq_(klib::move(irq)), transport_(klib::move(t)) {}
    // Waits for the chain `head` to complete (interrupt or polling).
    klib::Result<void> wait_for(u16 head);
    klib::Result<void> request(u32 type, u64 sector, usize bytes);

    virtio::Virtqueue queue_;
    keel::DmaCoherent dma_; // [0, 16) header, [16] status, [4096, 8192) data
    u64 capacity_;
    bool read_only_;
    klib::Arc<Completion> done_;
    klib::Optional<keel::IrqLine> irq_;
    // Last: destroyed first, so the device stops (bus mastering and MSI-X
    // off) before its rings, buffers and interrupt line go away.
    virtio::Transport transport_;
};

} // namespace services::drivers
