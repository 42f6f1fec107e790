// The framework's entry from the boot assembly: brings up the machine in a
// fixed order, then runs ktests or hands over to the services.
#include "arch/x86_64/init.h"
#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "boot/boot_info.h"
#include "console/serial.h"
#include "iommu/vtd.h"
#include "ktest/runner.h"
#include "mm/init.h"
#include "task/sched.h"
#include "time/clock.h"
#include <keel/boot.h>
#include <keel/log.h>
#include <keel/main.h>
#include <keel/panic.h>
#include <keel/power.h>
#include <keel/time.h>

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" uptr __stack_chk_guard;

namespace keel {

namespace {

void run_global_constructors() {
    for (auto* f = __init_array_start; f != __init_array_end; ++f) {
        (*f)();
    }
}

void apply_log_level() {
    if (boot_param("quiet").has_value()) {
        set_log_level(LogLevel::Warn);
    }
    if (auto lvl = boot_param("loglevel"); lvl.has_value()) {
        klib::StringView v = lvl.value();
        if (v == "debug")
            set_log_level(LogLevel::Debug);
        if (v == "info")
            set_log_level(LogLevel::Info);
        if (v == "warn")
            set_log_level(LogLevel::Warn);
        if (v == "error")
            set_log_level(LogLevel::Error);
    }
}

void print_banner() {
    const auto& bi = boot::info();
    log_info("Keel 0.1 (framekernel) booted via {}, {} ms after CPU reset",
             bi.protocol == boot::Protocol::Pvh ? klib::StringView("PVH")
                                                : klib::StringView("multiboot2"),
             time::ns_since_reset() / 1000000);
    log_info("  memory: {} MiB usable, {} MiB free for allocation", boot_usable_memory() >> 20,
             mm::free_bytes() >> 20);
    log_info("  cpus:   {} (the boot CPU runs; others stay parked)", acpi::info().cpu_count);
    log_info("  cpu:    {}, TSC {} MHz", arch::cpu_features_string(), time::tsc_hz() / 1000000);
    log_info("  cmdline: \"{}\"", boot_cmdline());
    if (boot_initrd().empty()) {
        log_info("  initrd: none");
    } else {
        log_info("  initrd: {} bytes", boot_initrd().size());
    }
}

} // namespace

extern "C" [[noreturn]] void keel_arch_entry(u32 protocol, u32 info_phys) {
    console::serial_init();
    run_global_constructors();
    __stack_chk_guard ^= arch::rdtsc() << 17;
    boot::parse(boot::Protocol(protocol), info_phys);
    apply_log_level();
    arch::init_cpu(); // features, GDT/TSS, IDT, control-register hardening
    acpi::init(boot::info().rsdp_phys);
    time::calibrate_tsc();
    mm::init();              // frames, page tables (W^X), heap
    sched::init();           // this code becomes task 1
    arch::init_interrupts(); // local APIC, timer, interrupts on
    iommu::init();           // VT-d DMA remapping, when the machine has it
    print_banner();

    if (auto filter = boot_param("ktest"); filter.has_value()) {
        ktest::run_all(filter.value());
    }
    if (auto filter = boot_param("bench"); filter.has_value()) {
        ktest::run_benches(filter.value());
    }
    if (boot_param("idle").has_value()) {
        log_info("idle: halting with interrupts on (Ctrl-A x quits QEMU)");
        for (;;) {
            arch::hlt();
        }
    }
    services::kernel_main();
    log_info("services returned; powering off");
    poweroff();
}

} // namespace keel
