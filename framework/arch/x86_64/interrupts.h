// Interrupt routing. Framework-private.
#pragma once

#include "arch/x86_64/trap.h"

namespace keel::arch {

void handle_interrupt(TrapFrame& f);

} // namespace keel::arch

namespace keel::detail {
// Interrupt nesting bookkeeping (framework/sync/irq.cpp).
void irq_enter() noexcept;
void irq_exit() noexcept;
} // namespace keel::detail

namespace keel::arch {} // namespace keel::arch
