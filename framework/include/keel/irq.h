// Interrupt lines for drivers (message-signalled: MSI/MSI-X).
//
//   keel::IrqLine irq = TRY(keel::IrqLine::alloc(TRY(klib::Function<void()>::make(
//       [shared = state.clone()] { (*shared).done.wake_all(); }))));
//   program the device's MSI-X entry with irq.msi_address() / irq.msi_data()
//
// The handler runs in interrupt context with interrupts off: keep it short
// (typically: wake a WaitQueue). It must not allocate or drop IrqLines.
// Dropping the IrqLine removes the handler; the vector is reused later.
#pragma once

#include <klib/annotations.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

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
    // What a device writes to raise this line (fixed delivery to the boot
    // CPU, edge-triggered).
    u64 msi_address() const;
    u32 msi_data() const { return vector_; }
    // Interrupts delivered so far (for tests and statistics).
    u64 count() const;

private:
    explicit IrqLine(u8 v) : vector_(v) {}
    u8 vector_;
};

} // namespace keel

KLIB_TRUSTED_END
