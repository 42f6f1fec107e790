// Red-team regression tests for device I/O claims (keel/io.h), written as
// service code.
#include <keel/io.h>
#include <keel/ktest.h>
#include <klib/array.h>

namespace services::selftest {

// Hole: port 0x92 (system control port A) was claimable. Clearing its bit 1
// turns the A20 gate off: every physical address with bit 20 set aliases
// the one without, so the kernel image at 1 MiB, its page tables and half
// of RAM were replaced under the running kernel (QEMU died on the next
// instruction fetch). The ISA DMA controllers (DMA into the first 16 MiB,
// i.e. the kernel image, with no device of the driver's own involved) and
// the ACPI ports the framework itself drives are refused too.
KTEST(redteam_io_chipset_ports_are_refused) {
    const klib::Array<u16, 9> ports = {0x92, 0x00, 0x0f, 0x81, 0x8f, 0xc0, 0xd6, 0x4d0, 0x4d1};
    for (u16 p : ports) {
        KEXPECT(keel::IoPorts::claim(p, 1).error() == klib::Error::PermissionDenied);
    }
    // A range that merely reaches one of them is refused as a whole.
    KEXPECT(keel::IoPorts::claim(0x90, 4).error() == klib::Error::PermissionDenied);
    // Neighbours that no framework device uses stay available.
    KEXPECT(keel::IoPorts::claim(0x93, 1).is_ok());
    KEXPECT(keel::IoPorts::claim(0x90, 2).is_ok());
}

// ACPI PM1 control (the framework's power-off: SLP_EN would suspend or cut
// the machine under the kernel) and the SMI command port (firmware).
// q35 under QEMU: PM1a_CNT = 0x604, SMI_CMD = 0xb2.
KTEST(redteam_io_acpi_ports_are_refused) {
    KEXPECT(keel::IoPorts::claim(0x604, 2).error() == klib::Error::PermissionDenied);
    KEXPECT(keel::IoPorts::claim(0x600, 8).error() == klib::Error::PermissionDenied);
    KEXPECT(keel::IoPorts::claim(0xb2, 1).error() == klib::Error::PermissionDenied);
}

// Hole: IoMem checked RAM byte by byte but maps whole pages. On q35 RAM
// ends at 0x9fc00 (the EBDA follows), so a window at 0x9fc00 was accepted
// and mapped page 0x9f000 uncached while the direct map (RAM rounded out to
// pages) maps it write-back: two cache types for one physical page.
KTEST(redteam_io_mmio_window_in_a_partial_ram_page_is_refused) {
    KEXPECT(keel::IoMem::claim(0x9fc00, 0x400).error() == klib::Error::PermissionDenied);
    KEXPECT(keel::IoMem::claim(0x9ffff, 1).error() == klib::Error::PermissionDenied);
    // Wrap-around and huge sizes.
    KEXPECT(keel::IoMem::claim(0xfffffffffffff000ull, 0x2000).error() ==
            klib::Error::InvalidArgument);
    KEXPECT(keel::IoMem::claim(0x1000, ~u64(0)).error() == klib::Error::InvalidArgument);
    KEXPECT(keel::IoMem::claim(0xa0000, ~u64(0) - 0xa0000 + 1).error() ==
            klib::Error::InvalidArgument);
}

} // namespace services::selftest
