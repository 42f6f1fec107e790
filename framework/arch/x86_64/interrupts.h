// Interrupt routing. Framework-private.
#pragma once

#include "arch/x86_64/trap.h"

namespace keel::arch {

void handle_interrupt(TrapFrame& f);

} // namespace keel::arch
