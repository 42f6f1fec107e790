// PCI functions for the bus service and drivers: one handle per function,
// reaching only that function's configuration space and the resources it
// decodes.
//
//   keel::PciFunction f = TRY(keel::PciFunction::open({0, 3, 0}));
//   if (f.read16(0) == 0x1af4) {                 // vendor id
//       keel::IoMem regs = TRY(f.map_bar(4, 0, f.bar(4).size));
//       f.set_bus_master(true);                  // before giving it DMA buffers
//       TRY(f.enable_msix(0, irq));              // entry 0 raises `irq`
//   }
//
// Configuration space is reached through the ECAM window of the ACPI MCFG
// table when there is one (q35), else through ports 0xcf8/0xcfc (pc); the
// window and the ports are never handed out. A handle is exclusive: Busy
// while another one for the same function lives. Bridges (class 06: host,
// ISA/LPC, PCI-to-PCI, other) are read-only: their registers route memory,
// ports and bus numbers for everyone. For other functions, writes reach
// only [0x40, 0x100) outside the MSI and MSI-X capabilities and before the
// first vendor-specific one (those can tunnel into the device's BARs, e.g.
// virtio's configuration-access window, and so into the MSI-X table). The header
// (command register, BARs) changes only through the methods below; BARs
// stay where firmware put them, and a BAR window that overlaps RAM,
// firmware, the framework's devices or the MSI window is never mapped.
// Dropping the handle turns off what it turned on (bus mastering, MSI,
// MSI-X). Any context that may sleep; not from interrupt handlers.
#pragma once

#include <keel/io.h>
#include <keel/irq.h>
#include <klib/annotations.h>
#include <klib/array.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

struct PciAddress {
    u8 bus;
    u8 device;   // 0..31
    u8 function; // 0..7
};

struct PciBar {
    u64 base = 0; // size 0: not implemented (or the function is a bridge)
    u64 size = 0;
    bool io = false;
    bool prefetchable = false;
};

class PciFunction {
public:
    // NotFound if no function answers at `a` (or its bus is past the
    // machine's), InvalidArgument if device > 31 or function > 7, Busy if
    // another handle has it, NoMemory.
    static klib::Result<PciFunction> open(PciAddress a);

    PciFunction(PciFunction&& o) noexcept;
    PciFunction(const PciFunction&) = delete;
    PciFunction& operator=(const PciFunction&) = delete;
    PciFunction& operator=(PciFunction&&) = delete;
    ~PciFunction();

    PciAddress address() const { return addr_; }
    // Whether writes are possible at all (not a bridge, a type-0 header).
    bool writable() const { return writable_; }

    // Naturally aligned reads below 256 (4096 through ECAM). An offset out
    // of range reads as all ones, like an absent register.
    u8 read8(u16 offset) const;
    u16 read16(u16 offset) const;
    u32 read32(u16 offset) const;
    // Writes: PermissionDenied outside the writable registers (above),
    // InvalidArgument if misaligned.
    klib::Result<void> write8(u16 offset, u8 v);
    klib::Result<void> write16(u16 offset, u16 v);
    klib::Result<void> write32(u16 offset, u32 v);

    // BAR `i` (0..5) as firmware set it up, sized when the handle was
    // opened; the upper half of a 64-bit BAR reads as unimplemented.
    PciBar bar(usize i) const { return i < 6 ? bars_[i] : PciBar{}; }
    // Maps [offset, offset + size) of memory BAR `i` and turns on memory
    // decoding. NotFound if the BAR is not an implemented memory BAR,
    // InvalidArgument if the range is empty or leaves the BAR,
    // PermissionDenied if it touches a page of the MSI-X table or pending
    // bits (only enable_msix writes those), a refused window, or when the
    // BAR does not own whole pages (base or size not page-aligned: the rest
    // of its page may hold another function's registers); Busy if a page is
    // claimed already.
    klib::Result<IoMem> map_bar(usize i, u64 offset, u64 size);
    // Claims I/O BAR `i` whole and turns on I/O decoding. NotFound if not an
    // implemented I/O BAR, PermissionDenied if refused, Busy if claimed.
    klib::Result<IoPorts> io_bar(usize i);

    // Lets the function master the bus (DMA) or stops it. PermissionDenied
    // on a bridge.
    klib::Result<void> set_bus_master(bool on);
    // Points MSI-X table entry `entry` at `irq`, unmasks it and enables
    // MSI-X (MSI off). Unsupported without MSI-X, InvalidArgument if the
    // table has no such entry, NoMemory. The message is the framework's.
    // Keep `irq` alive while the function is: a line dropped earlier may be
    // reallocated, and its new owner's handler would run for this device.
    klib::Result<void> enable_msix(u16 entry, const IrqLine& irq);
    // Single-message MSI to `irq` (MSI-X off). Unsupported without MSI.
    klib::Result<void> enable_msi(const IrqLine& irq);

private:
    PciFunction(PciAddress a, u64 ecam_va) : addr_(a), ecam_va_(ecam_va) {}
    u32 raw_read32(u16 offset) const;
    void raw_write(u16 offset, u32 width, u32 v);
    klib::Result<void> write(u16 offset, u32 width, u32 v);
    klib::Result<void> enable_decode(bool io);
    void size_bars();
    u8 find_cap(u8 id) const;

    PciAddress addr_;
    u64 ecam_va_;      // the function's 4 KiB ECAM page, 0 for port access
    bool open_ = true; // false once moved from
    bool writable_ = false;
    bool bus_master_on_ = false;
    bool msi_on_ = false;
    bool msix_on_ = false;
    klib::Array<PciBar, 6> bars_{};
};

} // namespace keel

KLIB_TRUSTED_END
