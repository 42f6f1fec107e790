// ktests for PCI enumeration and the framework's device-I/O claims, as
// service code (QEMU q35).
#include "bus.h"
#include <keel/io.h>
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

// The framebuffer BAR of the VGA device (the config ports are released
// before returning).
u64 vga_framebuffer() {
    ConfigSpace cfg = MUST(ConfigSpace::open());
    klib::Vec<Device> devs = MUST(enumerate(cfg));
    auto vga = find_class(devs, 0x03, 0x00);
    return vga.has_value() ? devs[vga.value()].bars[0].base : 0;
}

} // namespace

KTEST(pci_enumeration_finds_the_q35_chipset) {
    ConfigSpace cfg = MUST(ConfigSpace::open());
    klib::Vec<Device> devs = MUST(enumerate(cfg));
    KASSERT(devs.size() >= 3);
    // 00:00.0 is the Q35 host bridge (Intel 82G33/MCH).
    KEXPECT_EQ(devs[0].addr.bus, u8(0));
    KEXPECT_EQ(devs[0].addr.device, u8(0));
    KEXPECT_EQ(devs[0].vendor, u16(0x8086));
    KEXPECT_EQ(devs[0].device, u16(0x29c0));
    KEXPECT_EQ(devs[0].class_code, u8(0x06));
    KEXPECT(find_class(devs, 0x06, 0x01).has_value()); // ISA bridge (ICH9 LPC)
    for (usize i = 0; i < devs.size(); ++i) {
        keel::log_info("  pci {:02x}:{:02x}.{} {:04x}:{:04x} class {:02x}{:02x}", devs[i].addr.bus,
                       devs[i].addr.device, devs[i].addr.function, devs[i].vendor, devs[i].device,
                       devs[i].class_code, devs[i].subclass);
    }
}

KTEST(pci_config_ports_are_claimed_exclusively) {
    ConfigSpace cfg = MUST(ConfigSpace::open());
    auto again = ConfigSpace::open();
    KEXPECT(again.is_err() && again.error() == klib::Error::Busy);
}

KTEST(io_claims_refuse_framework_devices_and_ram) {
    KEXPECT(keel::IoPorts::claim(0x3f8, 8).error() == klib::Error::PermissionDenied); // COM1
    KEXPECT(keel::IoPorts::claim(0x20, 2).error() == klib::Error::PermissionDenied);  // PIC
    KEXPECT(keel::IoPorts::claim(0x40, 1).error() == klib::Error::PermissionDenied);  // PIT
    KEXPECT(keel::IoPorts::claim(0xfff0, 0x20).error() == klib::Error::InvalidArgument);
    KEXPECT(keel::IoPorts::claim(0x500, 0).error() == klib::Error::InvalidArgument);
    KEXPECT(keel::IoMem::claim(0x100000, 4096).error() == klib::Error::PermissionDenied);   // RAM
    KEXPECT(keel::IoMem::claim(0xfee00000, 4096).error() == klib::Error::PermissionDenied); // LAPIC
    KEXPECT(keel::IoMem::claim(~u64(0) - 10, 4096).error() == klib::Error::InvalidArgument);
}

KTEST(io_mem_window_of_a_device_reads_back_writes) {
    ConfigSpace cfg = MUST(ConfigSpace::open());
    klib::Vec<Device> devs = MUST(enumerate(cfg));
    auto vga = find_class(devs, 0x03, 0x00);
    KASSERT(vga.has_value());
    const Bar fb = devs[vga.value()].bars[0]; // the framebuffer BAR
    KASSERT(fb.base != 0 && !fb.io && fb.size >= 4096);
    {
        keel::IoMem win = MUST(keel::IoMem::claim(fb.base, 4096));
        win.write32(0, 0xdeadbeef);
        win.write64(8, 0x0123456789abcdefull);
        KEXPECT_EQ(win.read32(0), 0xdeadbeefu);
        KEXPECT_EQ(win.read64(8), 0x0123456789abcdefull);
        KEXPECT_EQ(win.read8(3), u8(0xde));
        KEXPECT(keel::IoMem::claim(fb.base + 2048, 16).error() == klib::Error::Busy);
    }
    // Released with the handle: claimable again.
    KEXPECT(keel::IoMem::claim(fb.base, 4096).is_ok());
}

// (A should-panic test leaks what it holds: it claims a window no other test uses.)
KTEST_SHOULD_PANIC(io_mem_access_outside_the_window_is_caught, "IoMem: access outside the window") {
    const u64 fb = vga_framebuffer();
    KASSERT(fb != 0);
    keel::IoMem win = MUST(keel::IoMem::claim(fb + 0x100000, 4096));
    keel::log_info("unreachable: {}", win.read32(u64(keel::ktest::opaque(4096))));
}

} // namespace services::pci
