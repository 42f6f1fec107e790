#include "arch/x86_64/cpu.h"
#include "console/console.h"
#include "debug/panic_state.h"
#include "ktest/runner.h"
#include <keel/panic.h>
#include <keel/power.h>

namespace keel {

namespace {
int g_panic_depth = 0;
bool g_trap_backtrace_printed = false;
} // namespace

namespace debug {
void trap_backtrace_printed() {
    g_trap_backtrace_printed = true;
}

void panic_recovered() {
    g_panic_depth = 0;
    g_trap_backtrace_printed = false;
    console::leave_panic_mode();
}
} // namespace debug

namespace detail {

[[noreturn]] void panic_write(klib::StringView fmt, klib::Span<const FmtArg> args) {
    arch::cli();
    if (++g_panic_depth > 2) {
        console::serial_write_raw("\nkeel: recursive panic; halting\n");
        arch::halt_forever();
    }
    console::enter_panic_mode();
    char buf[512];
    klib::Span<char> span(buf);
    usize n = format_to(span, fmt, args);
    console::write("KERNEL PANIC: ");
    // SAFETY: n <= sizeof(buf).
    console::write(klib::StringView::from_raw(buf, n));
    console::write("\n");
    if (g_panic_depth == 1 && !g_trap_backtrace_printed) {
        debug::print_backtrace(0, u64(__builtin_frame_address(0)));
    }
    ktest::on_panic();
    exit_qemu(ExitCode::Panic);
}

} // namespace detail

} // namespace keel

// klib's checks (bounds, empty Optional, borrow violations) end here.
[[noreturn]] void klib::fail(const char* what, const char* file, int line) noexcept {
    // SAFETY: klib passes string literals.
    keel::panic("klib check failed: {} at {}:{}", klib::StringView::from_cstr(what),
                klib::StringView::from_cstr(file), line);
}
