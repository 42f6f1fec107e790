#include "time/clock.h"

#include "arch/x86_64/cpu.h"
#include <keel/log.h>
#include <keel/time.h>

namespace keel::time {

namespace {
u64 g_tsc_hz = 0;
u64 g_tsc_base = 0;
u64 g_ticks = 0;
constexpr u32 PIT_HZ = 1193182;
} // namespace

void pit_wait_us(u32 us) {
    u32 count = u32(u64(PIT_HZ) * us / 1000000);
    if (count > 0xffff) {
        count = 0xffff;
    }
    // SAFETY: PIT channel 2 and port 0x61 belong to the framework; gate on,
    // speaker off, mode 0 (interrupt on terminal count), then poll OUT2.
    u8 gate = arch::inb(0x61);
    arch::outb(0x61, u8((gate & ~0x02) | 0x01));
    arch::outb(0x43, 0xb0);
    arch::outb(0x42, u8(count));
    arch::outb(0x42, u8(count >> 8));
    // Restart the count by toggling the gate.
    arch::outb(0x61, u8((gate & ~0x03)));
    arch::outb(0x61, u8((gate & ~0x02) | 0x01));
    for (u32 i = 0; i < 100000000 && (arch::inb(0x61) & 0x20) == 0; ++i) {
        arch::pause();
    }
    arch::outb(0x61, gate);
}

void calibrate_tsc() {
    // Best of three 10 ms windows: the smallest delta has the least
    // emulator noise added to it.
    u64 best = ~u64(0);
    for (int i = 0; i < 3; ++i) {
        u64 t0 = arch::rdtsc();
        pit_wait_us(10000);
        u64 d = arch::rdtsc() - t0;
        if (d < best) {
            best = d;
        }
    }
    g_tsc_hz = best * 100;
    if (g_tsc_hz == 0) {
        g_tsc_hz = 1000000000; // keep the clock monotonic even if the PIT lies
    }
    g_tsc_base = arch::rdtsc();
}

u64 tsc_hz() {
    return g_tsc_hz;
}

u64 ns_since_reset() {
    if (g_tsc_hz == 0) {
        return 0;
    }
    u64 t = arch::rdtsc();
    return t / g_tsc_hz * 1000000000ull + t % g_tsc_hz * 1000000000ull / g_tsc_hz;
}

void on_tick() {
    __atomic_fetch_add(&g_ticks, 1, __ATOMIC_RELAXED);
}

} // namespace keel::time

namespace keel {

u64 monotonic_ns() {
    if (time::g_tsc_hz == 0) {
        return 0;
    }
    u64 d = arch::rdtsc() - time::g_tsc_base;
    // d * 1e9 / hz without overflow for ~centuries: split into seconds.
    u64 sec = d / time::g_tsc_hz;
    u64 rem = d % time::g_tsc_hz;
    return sec * 1000000000ull + rem * 1000000000ull / time::g_tsc_hz;
}

TscClock tsc_clock() {
    return TscClock{time::g_tsc_base, time::g_tsc_hz};
}

u64 timer_ticks() {
    return __atomic_load_n(&time::g_ticks, __ATOMIC_RELAXED);
}

void delay_ns(u64 ns) {
    u64 end = monotonic_ns() + ns;
    while (monotonic_ns() < end) {
        arch::pause();
    }
}

} // namespace keel
