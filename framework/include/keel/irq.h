// Interrupt lines for drivers (message-signalled: MSI/MSI-X).
//
//   keel::IrqLine irq = TRY(keel::IrqLine::alloc(TRY(klib::Function<void()>::make(
//       [shared = state.clone()] { (*shared).done.wake_all(); }))));
//   TRY(function.enable_msix(0, irq));   // keel/pci.h: the device's entry 0
//
// The handler runs in interrupt context with interrupts off: keep it short
// (typically: wake a WaitQueue). It must not allocate or drop IrqLines.
// Dropping the IrqLine removes the handler; the vector is reused later.
// The MSI message (address and data) is composed by the framework alone,
// from a line it allocated, and written by PciFunction; services never see
// or choose an address in the 0xfee00000 interrupt window.
#pragma once

#include <klib/annotations.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

class PciFunction;

class IrqLine {
public:
    // Busy when every device vector is taken.
    static klib::Result<IrqLine> alloc(klib::Function<void()> handler);

    IrqLine(IrqLine&& o) noexcept : vector_(o.vector_) { o.vector_ = 0; }
    IrqLine(const IrqLine&) = delete;
    IrqLine& operator=(const IrqLine&) = delete;
    IrqLine& operator=(IrqLine&&) = delete;
    ~IrqLine();

    u8 vector() const { return vector_; }
    // Interrupts delivered so far (for tests and statistics).
    u64 count() const;

private:
    friend class PciFunction;
    // What a device writes to raise this line (fixed delivery to the boot
    // CPU, edge-triggered).
    u64 msi_address() const;
    u32 msi_data() const { return vector_; }
    explicit IrqLine(u8 v) : vector_(v) {}
    u8 vector_;
};

} // namespace keel

KLIB_TRUSTED_END
