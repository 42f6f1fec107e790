// The virtio 1.x PCI transport ("modern" devices): capabilities, the common
// configuration block, feature negotiation, queue setup and notification.
#pragma once

#include "../pci/bus.h"
#include <keel/io.h>
#include <keel/irq.h>
#include <klib/optional.h>
#include <klib/result.h>

namespace services::virtio {

namespace status {
constexpr u8 ACKNOWLEDGE = 1;
constexpr u8 DRIVER = 2;
constexpr u8 DRIVER_OK = 4;
constexpr u8 FEATURES_OK = 8;
constexpr u8 FAILED = 128;
} // namespace status

constexpr u64 F_VERSION_1 = u64(1) << 32;
// The device's DMA goes through the platform's IOMMU: our device addresses
// (keel/dma.h handles) are valid there, so drivers accept it when offered.
constexpr u64 F_ACCESS_PLATFORM = u64(1) << 33;

class Transport {
public:
    // Takes the function, finds its virtio capabilities, maps the BAR
    // range that holds them and lets the device master the bus (DMA).
    // Unsupported for legacy-only devices.
    static klib::Result<Transport> open(keel::PciFunction&& fn);

    // Reset, ACKNOWLEDGE|DRIVER, negotiate (device features & `wanted`,
    // VERSION_1 required), FEATURES_OK. Returns the accepted features.
    klib::Result<u64> negotiate(u64 wanted) const;
    // Sets DRIVER_OK: the device may now use its queues.
    void driver_ok() const;
    void fail() const;

    // Queue setup: the size the device offers (0 = no such queue), then the
    // physical addresses of the three rings and enable.
    u16 queue_max_size(u16 queue) const;
    void setup_queue(u16 queue, u16 size, u64 desc, u64 avail, u64 used) const;
    void notify(u16 queue) const;

    // Routes queue `queue`'s interrupts to `irq` through MSI-X entry 0 (call
    // before setup_queue). Unsupported if the device has no MSI-X or
    // refuses the vector; the caller then polls.
    klib::Result<void> use_msix(u16 queue, const keel::IrqLine& irq);

    // The device-specific configuration block.
    u32 device_read32(u64 offset) const { return mem_.read32(device_off_ + offset); }
    u64 device_read64(u64 offset) const;

private:
    Transport(keel::PciFunction&& fn, keel::IoMem&& mem, u64 common, u64 notify, u32 mult,
              u64 device)
        : fn_(klib::move(fn)), mem_(klib::move(mem)), common_off_(common), notify_off_(notify),
          notify_mult_(mult), device_off_(device) {}
    keel::PciFunction fn_;
    keel::IoMem mem_; // the BAR range with the common, notify and device blocks
    u64 common_off_;
    u64 notify_off_;
    u32 notify_mult_;
    u64 device_off_;
};

} // namespace services::virtio
