#include "console/serial.h"

#include "arch/x86_64/cpu.h"

namespace keel::console {

namespace {
constexpr u16 COM1 = 0x3f8;
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
    arch::outb(COM1 + 4, 0x03);
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
