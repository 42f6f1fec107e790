// Boot information normalized from PVH or multiboot2. Framework-private.
#pragma once

#include <klib/span.h>
#include <klib/types.h>

namespace keel::boot {

enum class Protocol : u32 { Pvh = 1, Multiboot2 = 2 };

enum class RegionKind : u32 { Usable = 1, Reserved = 2, AcpiReclaim = 3, AcpiNvs = 4, Bad = 5 };

struct Region {
    u64 base;
    u64 size;
    RegionKind kind;
};

constexpr usize MAX_REGIONS = 128;
constexpr usize MAX_CMDLINE = 4096;

struct BootInfo {
    Protocol protocol;
    Region regions[MAX_REGIONS];
    usize region_count;
    bool regions_dropped;      // more entries than MAX_REGIONS
    char cmdline[MAX_CMDLINE]; // NUL-terminated
    usize cmdline_len;
    bool cmdline_truncated;
    u64 initrd_phys;
    u64 initrd_size;
    u64 rsdp_phys;     // 0 when the loader gave none
    u64 boot_data_end; // highest physical byte of loader structures seen
};

// Parses the loader's structures; panics with a clear message if they are
// unusable (bad magic, no memory map).
void parse(Protocol proto, u64 info_phys);

// The same, into `out` (ktests feed it hand-made loader structures).
void parse_into(BootInfo& out, Protocol proto, u64 info_phys);

const BootInfo& info();

} // namespace keel::boot
