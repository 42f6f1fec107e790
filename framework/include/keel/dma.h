// DMA buffers for drivers: untyped frames a device may read or write, and
// the address the device must be given for them.
//
//   keel::DmaCoherent ring = TRY(keel::DmaCoherent::alloc(1));   // shared rings, headers
//   TRY(ring.write_val<u64>(0, x));  program ring.device_addr() into the device
//   keel::DmaStream buf = TRY(keel::DmaStream::map(TRY(keel::Segment::alloc(1)),
//                                                  keel::DmaStream::Direction::FromDevice));
//   buf.sync_for_device(); ...device writes...; buf.sync_for_cpu(); buf.read_bytes(0, out)
//
// Only untyped memory (keel/mm/frame.h) can become a DMA buffer, so a
// device given these addresses writes nothing the kernel keeps typed data
// in. The device address comes from the handle; services program no other.
// With an Intel IOMMU (VT-d, e.g. QEMU's -device intel-iommu) the handle's
// frames are the only memory devices can reach, from creation until the
// handle is dropped (dma_remapped()); without one, the device address is
// the physical address and nothing stops a misprogrammed device from using
// others (docs/safety-profile.md, residual risks). The memory stays
// allocated while the handle lives: drop it only after the device is done
// (reset, or bus mastering off).
#pragma once

#include <keel/mm/frame.h>
#include <klib/annotations.h>
#include <klib/result.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// Whether an IOMMU confines device DMA to the memory of live DMA handles.
bool dma_remapped();

namespace detail {
// Makes [pa, pa + size) reachable by devices (IOMMU), or not any more.
KLIB_UNSAFE klib::Result<void> dma_map(u64 pa, u64 size, bool device_writes);
KLIB_UNSAFE void dma_unmap(u64 pa, u64 size);
} // namespace detail

// Memory the CPU and the device use at the same time (rings, request
// headers). x86 DMA is cache-coherent: no synchronisation calls needed.
class DmaCoherent {
public:
    // `nframes` physically contiguous zero-filled frames; NoMemory.
    static klib::Result<DmaCoherent> alloc(usize nframes) {
        Segment s = TRY(Segment::alloc(nframes));
        TRY(detail::dma_map(s.paddr(), s.size(), true));
        return DmaCoherent(klib::move(s));
    }
    DmaCoherent(DmaCoherent&& o) noexcept : seg_(klib::move(o.seg_)), live_(o.live_) {
        o.live_ = false;
    }
    ~DmaCoherent() {
        if (live_) {
            detail::dma_unmap(seg_.paddr(), seg_.size());
        }
    }

    u64 device_addr() const { return seg_.paddr(); }
    usize size() const { return seg_.size(); }

    // Bounds-checked copies (OutOfRange), each in program order.
    template <klib::Pod T>
    klib::Result<T> read_val(usize offset) const {
        return seg_.read_val<T>(offset);
    }
    template <klib::Pod T>
        requires(__has_unique_object_representations(T))
    klib::Result<void> write_val(usize offset, const T& v) {
        return seg_.write_val<T>(offset, v);
    }
    klib::Result<void> read_bytes(usize offset, klib::Span<u8> out) const {
        return seg_.read_bytes(offset, out);
    }
    klib::Result<void> write_bytes(usize offset, klib::Span<const u8> in) {
        return seg_.write_bytes(offset, in);
    }

private:
    explicit DmaCoherent(Segment&& s) : seg_(klib::move(s)) {}
    Segment seg_;
    bool live_ = true;
};

// Memory handed to the device for a transfer in one direction (data
// buffers). The CPU reads it (FromDevice, Both) after sync_for_cpu() and
// writes it (ToDevice, Both) before sync_for_device(); the other access
// fails with PermissionDenied.
class DmaStream {
public:
    enum class Direction { ToDevice, FromDevice, Both };

    // Exists if the segment's frames are already a DMA buffer (a clone).
    static klib::Result<DmaStream> map(Segment&& seg, Direction d) {
        TRY(detail::dma_map(seg.paddr(), seg.size(), d != Direction::ToDevice));
        return DmaStream(klib::move(seg), d);
    }
    DmaStream(DmaStream&& o) noexcept : seg_(klib::move(o.seg_)), dir_(o.dir_), live_(o.live_) {
        o.live_ = false;
    }
    ~DmaStream() {
        if (live_) {
            detail::dma_unmap(seg_.paddr(), seg_.size());
        }
    }

    u64 device_addr() const { return seg_.paddr(); }
    usize size() const { return seg_.size(); }
    Direction direction() const { return dir_; }

    // Orders the CPU's accesses before (for_device) or after (for_cpu) the
    // device's: a full fence on x86, where DMA snoops the caches.
    void sync_for_device() const { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
    void sync_for_cpu() const { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

    klib::Result<void> read_bytes(usize offset, klib::Span<u8> out) const {
        if (dir_ == Direction::ToDevice) {
            return klib::Err(klib::Error::PermissionDenied);
        }
        return seg_.read_bytes(offset, out);
    }
    klib::Result<void> write_bytes(usize offset, klib::Span<const u8> in) {
        if (dir_ == Direction::FromDevice) {
            return klib::Err(klib::Error::PermissionDenied);
        }
        return seg_.write_bytes(offset, in);
    }

private:
    DmaStream(Segment&& s, Direction d) : seg_(klib::move(s)), dir_(d) {}
    Segment seg_;
    Direction dir_;
    bool live_ = true;
};

} // namespace keel

KLIB_TRUSTED_END
