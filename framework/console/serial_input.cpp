// COM1 receive interrupt: ISA IRQ 4 through the I/O APIC to a device
// vector; the handler drains the UART's FIFO into a ring.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ioapic.h"
#include "console/serial.h"
#include <keel/irq.h>
#include <keel/log.h>
#include <keel/serial.h>
#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <klib/array.h>
#include <klib/optional.h>

namespace keel::serial_input {

namespace {

constexpr u8 COM1_IRQ = 4;
constexpr usize RING = 4096;

struct Ring {
    klib::Array<u8, RING> buf{};
    usize head = 0; // next byte to read
    usize len = 0;
    u64 dropped = 0;
};

SpinLock<Ring, IrqOff> g_ring;
WaitQueue g_readable;
// The line stays allocated for the kernel's lifetime once started.
SpinLock<klib::Optional<IrqLine>, IrqOff> g_line;
bool g_running = false;

bool buffered() {
    return g_ring.with([](Ring& r) { return r.len > 0; });
}

// Interrupt context: drain the FIFO.
void on_irq() {
    bool any = false;
    g_ring.with([&](Ring& r) {
        for (u32 i = 0; i < 256; ++i) {
            auto b = console::serial_rx_byte();
            if (!b.has_value()) {
                break;
            }
            any = true;
            if (r.len == RING) {
                ++r.dropped;
                continue;
            }
            r.buf[(r.head + r.len) % RING] = b.value();
            ++r.len;
        }
    });
    if (any) {
        g_readable.wake_all();
    }
}

} // namespace

bool start() {
    if (__atomic_load_n(&g_running, __ATOMIC_ACQUIRE)) {
        return true;
    }
    if (!console::serial_present()) {
        return false;
    }
    auto handler = klib::Function<void()>::make([] { on_irq(); });
    if (handler.is_err()) {
        return false;
    }
    auto line = IrqLine::alloc(handler.release_value());
    if (line.is_err()) {
        log_warn("serial: no interrupt vector for COM1 input");
        return false;
    }
    const u8 vector = line.value().vector();
    g_line.with([&](klib::Optional<IrqLine>& l) { l.emplace(line.release_value()); });
    if (!arch::ioapic_route_isa(COM1_IRQ, vector)) {
        log_warn("serial: no I/O APIC; console input is off");
        g_line.with([](klib::Optional<IrqLine>& l) { l.reset(); });
        return false;
    }
    console::serial_enable_rx_irq();
    __atomic_store_n(&g_running, true, __ATOMIC_RELEASE);
    on_irq(); // bytes that arrived before the line was routed
    return true;
}

bool running() {
    return __atomic_load_n(&g_running, __ATOMIC_ACQUIRE);
}

usize read(klib::Span<u8> out) {
    return g_ring.with([&](Ring& r) {
        usize n = 0;
        while (n < out.size() && r.len > 0) {
            out[n++] = r.buf[r.head];
            r.head = (r.head + 1) % RING;
            --r.len;
        }
        return n;
    });
}

void wait() {
    if (!running()) {
        return;
    }
    g_readable.wait_until([] { return buffered(); });
}

bool wait_for(u64 timeout_ns) {
    if (!running()) {
        return buffered();
    }
    return g_readable.wait_until_for([] { return buffered(); }, timeout_ns);
}

u64 dropped() {
    return g_ring.with([](Ring& r) { return r.dropped; });
}

u64 interrupts() {
    return g_line.with([](klib::Optional<IrqLine>& l) { return l.has_value() ? l.value().count() : 0; });
}

} // namespace keel::serial_input
