// ktests for PCI enumeration and keel::PciFunction, as service code (QEMU
// q35: 00:00.0 host bridge, 00:01.0 VGA, 00:02.0 e1000e, 00:03.0
// virtio-blk, 00:1f.0 LPC, 00:1f.2 AHCI, 00:1f.3 SMBus).
#include "bus.h"
#include <keel/ktest.h>

namespace services::pci {

namespace {

klib::Optional<usize> find_class(const klib::Vec<Device>& devs, u8 cls, u8 sub) {
    for (usize i = 0; i < devs.size(); ++i) {
        if (devs[i].class_code == cls && devs[i].subclass == sub) {
            return i;
        }
    }
    return klib::none;
}

// The VGA function (its BAR 0 is the framebuffer).
keel::PciFunction vga() {
    klib::Vec<Device> devs = MUST(enumerate());
    const usize i = find_class(devs, 0x03, 0x00).value(); // checked: panics if absent
    return klib::move(devs[i].fn);
}

} // namespace

KTEST(pci_enumeration_finds_the_q35_chipset) {
    klib::Vec<Device> devs = MUST(enumerate());
    KASSERT(devs.size() >= 3);
    // 00:00.0 is the Q35 host bridge (Intel 82G33/MCH).
    KEXPECT_EQ(devs[0].fn.address().bus, u8(0));
    KEXPECT_EQ(devs[0].fn.address().device, u8(0));
    KEXPECT_EQ(devs[0].vendor, u16(0x8086));
    KEXPECT_EQ(devs[0].device, u16(0x29c0));
    KEXPECT_EQ(devs[0].class_code, u8(0x06));
    KEXPECT(find_class(devs, 0x06, 0x01).has_value()); // ISA bridge (ICH9 LPC)
    for (usize i = 0; i < devs.size(); ++i) {
        const keel::PciAddress a = devs[i].fn.address();
        keel::log_info("  pci {:02x}:{:02x}.{} {:04x}:{:04x} class {:02x}{:02x}", a.bus, a.device,
                       a.function, devs[i].vendor, devs[i].device, devs[i].class_code,
                       devs[i].subclass);
    }
}

KTEST(pci_function_handles_are_exclusive) {
    keel::PciFunction host = MUST(keel::PciFunction::open(keel::PciAddress{0, 0, 0}));
    KEXPECT(keel::PciFunction::open(keel::PciAddress{0, 0, 0}).error() == klib::Error::Busy);
    // Enumeration skips what someone else holds.
    klib::Vec<Device> devs = MUST(enumerate());
    KEXPECT(devs.size() >= 1 && devs[0].fn.address().device != 0);
    KEXPECT(keel::PciFunction::open(keel::PciAddress{0, 3, 0}).error() == klib::Error::Busy);
    KEXPECT(keel::PciFunction::open(keel::PciAddress{0, 32, 0}).error() ==
            klib::Error::InvalidArgument);
    KEXPECT(keel::PciFunction::open(keel::PciAddress{0, 0, 8}).error() ==
            klib::Error::InvalidArgument);
    KEXPECT(keel::PciFunction::open(keel::PciAddress{0, 30, 0}).error() == klib::Error::NotFound);
}

KTEST(pci_reads_past_the_config_space_read_as_all_ones) {
    keel::PciFunction host = MUST(keel::PciFunction::open(keel::PciAddress{0, 0, 0}));
    KEXPECT_EQ(host.read16(0), u16(0x8086));
    KEXPECT_EQ(host.read32(4096), 0xffffffffu);
    KEXPECT_EQ(host.read32(2), 0xffffffffu); // misaligned
    KEXPECT_EQ(host.read16(0xffff), u16(0xffff));
}

// Header registers (command, BARs, expansion ROM) change only through the
// handle's methods; the device-specific area [0x40, 0x100) is writable.
KTEST(pci_header_writes_are_refused_device_registers_allowed) {
    keel::PciFunction f = vga();
    KEXPECT(f.writable());
    const u32 bar0 = f.read32(0x10);
    KEXPECT(f.write32(0x10, 0x00100000).error() == klib::Error::PermissionDenied); // into RAM
    KEXPECT(f.write32(0x04, 0x7).error() == klib::Error::PermissionDenied);
    KEXPECT(f.write32(0x30, 0x1).error() == klib::Error::PermissionDenied);
    KEXPECT(f.write8(0x3c, 5).error() == klib::Error::PermissionDenied);
    KEXPECT(f.write32(0x100, 0).error() == klib::Error::PermissionDenied);
    KEXPECT(f.write16(0x41, 0).error() == klib::Error::InvalidArgument);
    KEXPECT_EQ(f.read32(0x10), bar0);
    KEXPECT(f.write32(0x40, 0).is_ok()); // std-vga has no capabilities there
}

KTEST(pci_mapped_bar_reads_back_writes_and_claims_whole_pages) {
    keel::PciFunction f = vga();
    const keel::PciBar fb = f.bar(0);
    KASSERT(fb.size >= 0x10000 && !fb.io && fb.base != 0);
    {
        keel::IoMem win = MUST(f.map_bar(0, 0, 16));
        win.write32(0, 0xdeadbeef);
        win.write64(8, 0x0123456789abcdefull);
        KEXPECT_EQ(win.read32(0), 0xdeadbeefu);
        KEXPECT_EQ(win.read64(8), 0x0123456789abcdefull);
        KEXPECT_EQ(win.read8(3), u8(0xde));
        // Another window on the same page would alias this one.
        KEXPECT(f.map_bar(0, 16, 16).error() == klib::Error::Busy);
        KEXPECT(f.map_bar(0, 4095, 2).error() == klib::Error::Busy);
        KEXPECT(f.map_bar(0, 4096, 4096).is_ok());
    }
    // Released with the handle: claimable again.
    KEXPECT(f.map_bar(0, 0, 4096).is_ok());
    KEXPECT(f.map_bar(0, fb.size - 1, 2).error() == klib::Error::InvalidArgument);
    KEXPECT(f.map_bar(0, 0, 0).error() == klib::Error::InvalidArgument);
    KEXPECT(f.map_bar(6, 0, 16).error() == klib::Error::NotFound);
    KEXPECT(f.map_bar(1, 0, 16).error() == klib::Error::NotFound); // unimplemented
    KEXPECT(f.io_bar(0).error() == klib::Error::NotFound);         // a memory BAR
}

// (A should-panic test leaks what it holds.)
KTEST_SHOULD_PANIC(pci_mapped_bar_access_outside_the_window_is_caught,
                   "IoMem: access outside the window") {
    keel::PciFunction f = vga();
    keel::IoMem win = MUST(f.map_bar(0, 0x100000, 4096));
    keel::log_info("unreachable: {}", win.read32(u64(keel::ktest::opaque(4096))));
}

} // namespace services::pci
