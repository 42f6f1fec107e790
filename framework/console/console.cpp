#include "console/console.h"

#include "console/serial.h"
#include <keel/console.h>
#include <keel/sync/spinlock.h>

namespace keel::console {

namespace {

constexpr usize CAPTURE_SIZE = 16384;

struct Capture {
    bool active = false;
    usize len = 0;
    char buf[CAPTURE_SIZE];
};

// The capture buffer is touched only with g_lock held, except on the panic
// path (see write()), where other CPUs are being stopped anyway.
Capture g_capture;
struct Unit {};
SpinLock<Unit, IrqOff> g_lock;
bool g_panicking = false;

void emit(Capture& cap, klib::StringView s, bool raw = false) {
    if (raw) {
        serial_write_bytes(s);
    } else {
        serial_write(s);
    }
    if (cap.active) {
        for (char c : s) {
            if (cap.len < CAPTURE_SIZE) {
                cap.buf[cap.len++] = c;
            }
        }
    }
}

} // namespace

void write(klib::StringView s) {
    if (__atomic_load_n(&g_panicking, __ATOMIC_RELAXED)) {
        // The lock may be held by the CPU that panicked; output without it.
        emit(g_capture, s);
        return;
    }
    auto guard = g_lock.lock();
    emit(g_capture, s);
}

void enter_panic_mode() {
    __atomic_store_n(&g_panicking, true, __ATOMIC_RELAXED);
}
void leave_panic_mode() {
    __atomic_store_n(&g_panicking, false, __ATOMIC_RELAXED);
}

void capture_start() {
    auto guard = g_lock.lock();
    g_capture.active = true;
    g_capture.len = 0;
}

void capture_stop() {
    auto guard = g_lock.lock();
    g_capture.active = false;
}

klib::StringView captured() {
    auto guard = g_lock.lock();
    // SAFETY: the buffer is static; captured text is read after
    // capture_stop(), when nothing appends to it any more.
    return klib::StringView::from_raw(g_capture.buf, g_capture.len);
}

} // namespace keel::console

namespace keel::console {
void serial_write_raw(klib::StringView s) {
    serial_write(s);
}
} // namespace keel::console

namespace keel {

void console_write(klib::Span<const u8> bytes) {
    // SAFETY: a view of the caller's bytes for the duration of the call; u8
    // and char have the same representation.
    console::write(klib::StringView::from_raw(reinterpret_cast<const char*>(bytes.unsafe_data()),
                                              bytes.size()));
}

void console_write_raw(klib::Span<const u8> bytes) {
    // SAFETY: as console_write.
    const klib::StringView s =
        klib::StringView::from_raw(reinterpret_cast<const char*>(bytes.unsafe_data()), bytes.size());
    if (__atomic_load_n(&console::g_panicking, __ATOMIC_RELAXED)) {
        console::emit(console::g_capture, s, true);
        return;
    }
    auto guard = console::g_lock.lock();
    console::emit(console::g_capture, s, true);
}

} // namespace keel
