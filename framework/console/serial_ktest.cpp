// ktests for interrupt-driven serial input: the UART's internal loopback
// sends bytes to its own receiver, so they arrive through the real path
// (IRQ 4, I/O APIC, device vector, handler, ring).
#include "arch/x86_64/cpu.h"
#include "console/serial.h"
#include <keel/ktest.h>
#include <keel/serial.h>
#include <klib/array.h>

namespace keel {

namespace {

// Sends `bytes` through the loopback and waits (up to 1 s) until `want`
// bytes are buffered; returns them. No console output may happen meanwhile
// (it would loop back too), so nothing here logs until loopback is off.
usize loop_back(klib::Span<const u8> bytes, klib::Span<u8> out) {
    console::serial_set_loopback(true);
    for (u8 b : bytes) {
        console::serial_put_raw(b);
    }
    usize got = 0;
    const u64 deadline = monotonic_ns() + 1000000000;
    while (got < out.size() && monotonic_ns() < deadline) {
        (void)serial_input::wait_for(10000000);
        got += serial_input::read(out.subspan(got));
    }
    console::serial_set_loopback(false);
    return got;
}

void drain() {
    klib::Array<u8, 64> junk{};
    while (serial_input::read(junk.span()) > 0) {
    }
}

} // namespace

KTEST(serial_input_bytes_arrive_by_interrupt) {
    KASSERT(serial_input::start());
    drain();
    const u64 irqs = serial_input::interrupts();
    const klib::Array<u8, 5> sent = {'k', 'e', 'e', 'l', 0x03};
    klib::Array<u8, 5> got{};
    const usize n = loop_back(sent.span(), got.span());
    KEXPECT_EQ(n, usize(5));
    for (usize i = 0; i < n; ++i) {
        KEXPECT_EQ(got[i], sent[i]);
    }
    KEXPECT(serial_input::interrupts() > irqs);
}

KTEST(serial_input_read_never_blocks_and_start_is_idempotent) {
    KASSERT(serial_input::start());
    KASSERT(serial_input::start());
    drain();
    klib::Array<u8, 8> buf{};
    KEXPECT_EQ(serial_input::read(buf.span()), usize(0));
    KEXPECT(!serial_input::wait_for(1000000)); // 1 ms: nothing arrives
    // More than the FIFO holds (16 bytes): the handler drains it on each
    // trigger-level interrupt and the timeout one, so none is lost.
    klib::Array<u8, 40> sent{};
    for (usize i = 0; i < sent.size(); ++i) {
        sent[i] = u8('A' + i % 26);
    }
    klib::Array<u8, 40> got{};
    KEXPECT_EQ(loop_back(sent.span(), got.span()), usize(40));
    for (usize i = 0; i < sent.size(); ++i) {
        KEXPECT_EQ(got[i], sent[i]);
    }
}

} // namespace keel
