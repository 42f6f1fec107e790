// Minimal ACPI table parsing for the framework: CPU count and local APIC
// address (MADT), the I/O APIC, the power-management ports (FADT) and the S5
// sleep type (DSDT), the PCI Express configuration window (MCFG),
// the VT-d unit (DMAR). Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::acpi {

struct Info {
    bool valid = false;
    u32 cpu_count = 1;
    u64 lapic_phys = 0xfee00000;
    u64 ioapic_phys = 0;
    u32 ioapic_gsi_base = 0;
    // ISA IRQ i arrives at global system interrupt isa_gsi[i] with the MPS
    // flags isa_flags[i] (bits 0-1 polarity, 2-3 trigger; 0: bus default,
    // ISA's active-high edge). MADT interrupt source overrides change them.
    u32 isa_gsi[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    u16 isa_flags[16] = {};
    u16 pm1a_cnt = 0;
    u16 pm1b_cnt = 0;
    u16 slp_typ_s5a = 0;
    u16 slp_typ_s5b = 0;
    bool s5_found = false;
    u64 hpet_phys = 0;
    u8 acpi_enable = 0;
    u16 smi_cmd = 0;
    // PCI Express ECAM of segment 0 (MCFG); ecam_phys 0 when there is none.
    u64 ecam_phys = 0;
    u8 ecam_bus_start = 0;
    u8 ecam_bus_end = 0;
    // The first Intel VT-d remapping unit of segment 0 (DMAR DRHD); 0 when
    // there is none.
    u64 dmar_phys = 0;
};

// Parses the tables from the RSDP (0 = search the BIOS areas). Never panics:
// a missing or corrupt table leaves the defaults and logs a warning.
void init(u64 rsdp_phys);
const Info& info();

} // namespace keel::acpi
