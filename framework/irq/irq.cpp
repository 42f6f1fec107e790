// Device interrupt vectors and their handlers.
#include "irq/irq.h"

#include "arch/x86_64/cpu.h"
#include <klib/array.h>
#include <klib/optional.h>
#include <keel/irq.h>
#include <keel/sync/spinlock.h>

namespace keel {

namespace {

struct Slot {
    klib::Optional<klib::Function<void()>> handler;
    u64 count = 0;
};

struct Table {
    klib::Array<Slot, irq::LAST_DEVICE_VECTOR - irq::FIRST_DEVICE_VECTOR + 1> slots;
};

SpinLock<Table, IrqOff> g_table;

} // namespace

klib::Result<IrqLine> IrqLine::alloc(klib::Function<void()> handler) {
    return g_table.with([&](Table& t) -> klib::Result<IrqLine> {
        for (usize i = 0; i < t.slots.size(); ++i) {
            if (!t.slots[i].handler.has_value()) {
                t.slots[i].handler.emplace(klib::move(handler));
                t.slots[i].count = 0;
                return IrqLine(u8(irq::FIRST_DEVICE_VECTOR + i));
            }
        }
        return klib::Err(klib::Error::Busy);
    });
}

IrqLine::~IrqLine() {
    if (vector_ != 0) {
        g_table.with([&](Table& t) { t.slots[vector_ - irq::FIRST_DEVICE_VECTOR].handler.reset(); });
    }
}

u64 IrqLine::msi_address() const {
    // Destination: the boot CPU's local APIC id, physical mode.
    return 0xfee00000ull | (u64(arch::cpuid(1).ebx >> 24) << 12);
}

u64 IrqLine::count() const {
    return g_table.with([&](Table& t) { return t.slots[vector_ - irq::FIRST_DEVICE_VECTOR].count; });
}

namespace irq {

bool dispatch(u8 vector) {
    if (vector < FIRST_DEVICE_VECTOR || vector > LAST_DEVICE_VECTOR) {
        return false;
    }
    g_table.with([&](Table& t) {
        Slot& s = t.slots[vector - FIRST_DEVICE_VECTOR];
        ++s.count;
        if (s.handler.has_value()) {
            s.handler.value()();
        }
    });
    return true;
}

} // namespace irq

} // namespace keel
