#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include <keel/log.h>
#include <keel/power.h>

namespace keel {

namespace {
constexpr u16 DEBUG_EXIT_PORT = 0xf4;

// QEMU's isa-debug-exit reads as 0; an unclaimed port reads as all ones.
bool debug_exit_present() {
    return arch::inb(DEBUG_EXIT_PORT) != 0xff;
}
// PM1x_CNT: SLP_TYP is bits 10..12, SLP_EN bit 13.
u16 pm1_sleep_value(u16 current, u16 slp_typ) {
    constexpr u16 SLP_TYP_MASK = 7 << 10, SLP_EN = 1 << 13;
    return u16((current & ~(SLP_TYP_MASK | SLP_EN)) | ((slp_typ & 7) << 10) | SLP_EN);
}
} // namespace

void poweroff() {
    const auto& a = acpi::info();
    arch::cli();
    if (a.pm1a_cnt != 0 && a.s5_found) {
        // Switch to ACPI mode if the firmware left it off (SCI_EN clear).
        if ((arch::inw(a.pm1a_cnt) & 1) == 0 && a.smi_cmd != 0 && a.acpi_enable != 0) {
            arch::outb(a.smi_cmd, a.acpi_enable);
            for (int i = 0; i < 1000 && (arch::inw(a.pm1a_cnt) & 1) == 0; ++i) {
                arch::pause();
            }
        }
        // SAFETY: PM1 control ports come from the FADT; SLP_TYP|SLP_EN
        // requests S5 (soft off). The other bits (SCI_EN, ...) are kept.
        arch::outw(a.pm1a_cnt, pm1_sleep_value(arch::inw(a.pm1a_cnt), a.slp_typ_s5a));
        if (a.pm1b_cnt != 0) {
            arch::outw(a.pm1b_cnt, pm1_sleep_value(arch::inw(a.pm1b_cnt), a.slp_typ_s5b));
        }
        for (int i = 0; i < 100000; ++i) {
            arch::pause();
        }
    }
    log_error("poweroff: ACPI S5 unavailable or ignored; halting");
    arch::halt_forever();
}

void restart() {
    arch::cli();
    // SAFETY: 0xcf9 is the chipset's reset control register (PIIX/ICH/Q35):
    // 0x02 selects a hard reset, 0x06 performs it. 0x64 <- 0xfe pulses the
    // 8042's CPU reset line. The framework owns both ports.
    arch::outb(0xcf9, 0x02);
    arch::outb(0xcf9, 0x06);
    for (int i = 0; i < 100000; ++i) {
        arch::pause();
    }
    arch::outb(0x64, 0xfe);
    for (int i = 0; i < 100000; ++i) {
        arch::pause();
    }
    log_error("restart: the machine did not reset; halting");
    arch::halt_forever();
}

void halt() {
    arch::halt_forever();
}

void exit_qemu(ExitCode code) {
    if (debug_exit_present()) {
        // SAFETY: port 0xf4 is QEMU's isa-debug-exit; the write ends QEMU.
        arch::outl(DEBUG_EXIT_PORT, u32(code));
    }
    if (code == ExitCode::Success) {
        poweroff();
    }
    log_error("keel: stopped (exit code {:#x}); halting", u32(code));
    arch::halt_forever();
}

} // namespace keel
