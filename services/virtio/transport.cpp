#include "transport.h"

namespace services::virtio {

namespace {

// virtio_pci_cap cfg_type values.
constexpr u8 CAP_COMMON = 1;
constexpr u8 CAP_NOTIFY = 2;
constexpr u8 CAP_DEVICE = 4;

// Common configuration layout (virtio 1.2, 4.1.4.3).
constexpr u64 DEVICE_FEATURE_SELECT = 0;
constexpr u64 DEVICE_FEATURE = 4;
constexpr u64 DRIVER_FEATURE_SELECT = 8;
constexpr u64 DRIVER_FEATURE = 12;
constexpr u64 DEVICE_STATUS = 20;
constexpr u64 QUEUE_SELECT = 22;
constexpr u64 QUEUE_SIZE = 24;
constexpr u64 QUEUE_ENABLE = 28;
constexpr u64 QUEUE_NOTIFY_OFF = 30;
constexpr u64 QUEUE_DESC = 32;
constexpr u64 QUEUE_DRIVER = 40;
constexpr u64 QUEUE_DEVICE = 48;

struct Cap {
    bool found = false;
    u8 bar = 0;
    u32 offset = 0;
    u32 length = 0;
    u32 extra = 0; // notify_off_multiplier for the notify capability
};

} // namespace

klib::Result<Transport> Transport::open(keel::PciFunction&& fn) {
    klib::Array<Cap, 5> caps{};
    (void)pci::find_capability(fn, [&](u8 off, u8 id) {
        if (id != 0x09) { // vendor-specific: virtio_pci_cap
            return false;
        }
        const u8 type = fn.read8(u16(off + 3));
        if (type >= 1 && type <= 4 && !caps[type].found) {
            Cap& c = caps[type];
            c.found = true;
            c.bar = fn.read8(u16(off + 4));
            c.offset = fn.read32(u16(off + 8));
            c.length = fn.read32(u16(off + 12));
            if (type == CAP_NOTIFY) {
                c.extra = fn.read32(u16(off + 16));
            }
        }
        return false;
    });
    const Cap common = caps[CAP_COMMON];
    const Cap notify = caps[CAP_NOTIFY];
    const Cap device = caps[CAP_DEVICE];
    if (!common.found || !notify.found || !device.found || common.bar > 5 ||
        notify.bar != common.bar || device.bar != common.bar) {
        return klib::Err(klib::Error::Unsupported);
    }
    const keel::PciBar bar = fn.bar(common.bar);
    if (bar.io || bar.size == 0) {
        return klib::Err(klib::Error::Unsupported);
    }
    keel::IoMem mem = TRY(fn.map_bar(common.bar, 0, bar.size));
    TRY(fn.set_bus_master(true));
    return Transport(klib::move(fn), klib::move(mem), common.offset, notify.offset, notify.extra,
                     device.offset);
}

klib::Result<u64> Transport::negotiate(u64 wanted) const {
    mem_.write8(common_off_ + DEVICE_STATUS, 0); // reset
    while (mem_.read8(common_off_ + DEVICE_STATUS) != 0) {
    }
    mem_.write8(common_off_ + DEVICE_STATUS, status::ACKNOWLEDGE);
    mem_.write8(common_off_ + DEVICE_STATUS, status::ACKNOWLEDGE | status::DRIVER);
    u64 offered = 0;
    for (u32 half = 0; half < 2; ++half) {
        mem_.write32(common_off_ + DEVICE_FEATURE_SELECT, half);
        offered |= u64(mem_.read32(common_off_ + DEVICE_FEATURE)) << (32 * half);
    }
    if ((offered & F_VERSION_1) == 0) {
        fail();
        return klib::Err(klib::Error::Unsupported);
    }
    const u64 accepted = offered & (wanted | F_VERSION_1);
    for (u32 half = 0; half < 2; ++half) {
        mem_.write32(common_off_ + DRIVER_FEATURE_SELECT, half);
        mem_.write32(common_off_ + DRIVER_FEATURE, u32(accepted >> (32 * half)));
    }
    const u8 st = status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK;
    mem_.write8(common_off_ + DEVICE_STATUS, st);
    if ((mem_.read8(common_off_ + DEVICE_STATUS) & status::FEATURES_OK) == 0) {
        fail();
        return klib::Err(klib::Error::Unsupported);
    }
    return accepted;
}

void Transport::driver_ok() const {
    const u8 st = mem_.read8(common_off_ + DEVICE_STATUS);
    mem_.write8(common_off_ + DEVICE_STATUS, u8(st | status::DRIVER_OK));
}

void Transport::fail() const {
    const u8 st = mem_.read8(common_off_ + DEVICE_STATUS);
    mem_.write8(common_off_ + DEVICE_STATUS, u8(st | status::FAILED));
}

u16 Transport::queue_max_size(u16 queue) const {
    mem_.write16(common_off_ + QUEUE_SELECT, queue);
    return mem_.read16(common_off_ + QUEUE_SIZE);
}

void Transport::setup_queue(u16 queue, u16 size, u64 desc, u64 avail, u64 used) const {
    mem_.write16(common_off_ + QUEUE_SELECT, queue);
    mem_.write16(common_off_ + QUEUE_SIZE, size);
    mem_.write64(common_off_ + QUEUE_DESC, desc);
    mem_.write64(common_off_ + QUEUE_DRIVER, avail);
    mem_.write64(common_off_ + QUEUE_DEVICE, used);
    mem_.write16(common_off_ + QUEUE_ENABLE, 1);
}

void Transport::notify(u16 queue) const {
    mem_.write16(common_off_ + QUEUE_SELECT, queue);
    const u64 off = mem_.read16(common_off_ + QUEUE_NOTIFY_OFF);
    mem_.write16(notify_off_ + off * notify_mult_, queue);
}

klib::Result<void> Transport::use_msix(u16 queue, const keel::IrqLine& irq) {
    constexpr u64 MSIX_CONFIG = 16;
    constexpr u64 QUEUE_MSIX_VECTOR = 26;
    constexpr u16 NO_VECTOR = 0xffff;
    TRY(fn_.enable_msix(0, irq)); // the framework writes the message
    mem_.write16(common_off_ + MSIX_CONFIG, NO_VECTOR);
    mem_.write16(common_off_ + QUEUE_SELECT, queue);
    mem_.write16(common_off_ + QUEUE_MSIX_VECTOR, 0);
    if (mem_.read16(common_off_ + QUEUE_MSIX_VECTOR) != 0) {
        return klib::Err(klib::Error::Unsupported);
    }
    return {};
}

u64 Transport::device_read64(u64 offset) const {
    // Two 32-bit reads (the device config may not allow 64-bit accesses).
    return u64(mem_.read32(device_off_ + offset)) |
           (u64(mem_.read32(device_off_ + offset + 4)) << 32);
}

} // namespace services::virtio
