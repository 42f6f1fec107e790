// Interrupt routing. Framework-private.
#pragma once

#include "arch/x86_64/trap.h"

namespace keel::arch {

void handle_interrupt(TrapFrame& f);

// An exception vector that arrived without the error code the CPU pushes
// for it (traps.S marks it): counted, reported, acknowledged, ignored.
void ack_injected_vector(u8 vector, bool from_user);
u64 injected_vectors();
u64 injected_vectors_from_user();
// Sends `vector` to this CPU (fixed delivery; vector >= 16). For ktests.
void send_self_ipi(u8 vector);

} // namespace keel::arch

namespace keel::detail {
// Interrupt nesting bookkeeping (framework/sync/irq.cpp).
void irq_enter() noexcept;
void irq_exit() noexcept;
} // namespace keel::detail

namespace keel::arch {} // namespace keel::arch
