// Architecture bring-up steps called from framework/init.cpp. Private.
#pragma once

#include <klib/string_view.h>

namespace keel::arch {

// CPU feature detection, GDT/TSS/IDT, NXE/WP/SMEP/SMAP/UMIP.
void init_cpu();
// Local APIC, calibrated periodic timer, interrupts on.
void init_interrupts();
// e.g. "nx smep smap umip apic x2apic"
klib::StringView cpu_features_string();

struct Features {
    bool nx, smep, smap, umip, pge, x2apic, invariant_tsc, rdrand, rdseed, fsgsbase, xsave;
    u32 hwcap; // CPUID.1:EDX (AT_HWCAP)
};
const Features& features();

} // namespace keel::arch
