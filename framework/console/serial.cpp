#include "console/serial.h"

#include "arch/x86_64/cpu.h"

namespace keel::console {

namespace {
constexpr u16 COM1 = 0x3f8;
constexpr u8 MCR_BASE = 0x0b; // DTR, RTS, OUT2 (gates the IRQ line on PCs)
bool g_present = false;

void put(char c) {
    // Bounded wait for the transmit holding register: a missing or stuck
    // UART must not hang the kernel.
    for (int i = 0; i < 100000 && !(arch::inb(COM1 + 5) & 0x20); ++i) {
        arch::pause();
    }
    arch::outb(COM1, u8(c));
}
} // namespace

void serial_init() {
    // SAFETY: COM1 ports belong to the framework's console; standard 16550
    // programming: 115200 8N1, FIFO on, interrupts off.
    arch::outb(COM1 + 1, 0x00);
    arch::outb(COM1 + 3, 0x80);
    arch::outb(COM1 + 0, 0x01);
    arch::outb(COM1 + 1, 0x00);
    arch::outb(COM1 + 3, 0x03);
    arch::outb(COM1 + 2, 0xc7);
    arch::outb(COM1 + 4, MCR_BASE);
    // A UART that reads back 0xff on the line status register is absent.
    g_present = arch::inb(COM1 + 5) != 0xff;
}

void serial_write(klib::StringView s) {
    if (!g_present) {
        return;
    }
    for (char c : s) {
        if (c == '\n') {
            put('\r');
        }
        put(c);
    }
}

} // namespace keel::console

namespace keel::console {

void serial_write_bytes(klib::StringView s) {
    if (!g_present) {
        return;
    }
    for (char c : s) {
        put(c);
    }
}

bool serial_present() {
    return g_present;
}

klib::Optional<u8> serial_rx_byte() {
    // SAFETY: COM1 belongs to the console; LSR bit 0 = data ready, and
    // reading RBR pops one byte of the receive FIFO.
    if (!g_present || (arch::inb(COM1 + 5) & 1) == 0) {
        return klib::none;
    }
    return arch::inb(COM1);
}

void serial_enable_rx_irq() {
    // SAFETY: IER bit 0: interrupt when received data is available.
    arch::outb(COM1 + 1, 0x01);
}

void serial_set_loopback(bool on) {
    // SAFETY: MCR bit 4 loops the transmitter back to the receiver.
    arch::outb(COM1 + 4, u8(MCR_BASE | (on ? 0x10 : 0)));
}

void serial_put_raw(u8 c) {
    put(char(c));
}

} // namespace keel::console
