// ktests for the boot-information parser against malformed loader data.
#include "boot/boot_info.h"
#include "mm/frame_allocator.h"
#include "mm/phys.h"
#include <keel/ktest.h>

namespace keel::boot {
namespace {

// A scratch frame below 4 GiB holding hand-made loader structures.
struct Scratch {
    u64 pa = 0;
    Scratch() {
        auto f = mm::alloc_frames(1, mm::FrameUse::Untyped); // 8 KiB
        KASSERT(f.has_value() && f.value() < (4ull << 30));
        pa = f.value();
    }
    ~Scratch() { mm::free_frames(pa, 1); }
    template <typename T>
    T& at(u64 off) {
        return *mm::phys_ptr<T>(pa + off);
    }
};

struct [[gnu::packed]] Pvh {
    u32 magic, version, flags, nr_modules;
    u64 modlist, cmdline, rsdp, memmap;
    u32 memmap_entries, reserved;
};
struct MemEntry {
    u64 addr, size;
    u32 type, reserved;
};
struct ModEntry {
    u64 paddr, size, cmdline, reserved;
};

BootInfo g_scratch_info; // large: keep it off the stack

void fill_pvh(Scratch& s, u32 entries) {
    Pvh& p = s.at<Pvh>(0);
    p = Pvh{0x336ec578, 1, 0, 0, 0, 0, 0, s.pa + 0x100, entries, 0};
}

} // namespace

KTEST(boot_pvh_odd_memory_map_entries_are_dropped) {
    Scratch s;
    fill_pvh(s, 5);
    s.at<MemEntry>(0x100) = {0x100000, 0x1000000, 1, 0};     // fine
    s.at<MemEntry>(0x118) = {0x2000000, 0, 1, 0};            // zero size
    s.at<MemEntry>(0x130) = {~u64(0) - 0xfff, 0x2000, 1, 0}; // wraps around
    s.at<MemEntry>(0x148) = {0x3000000, 0x1000, 77, 0};      // unknown type
    s.at<MemEntry>(0x160) = {0xe0000, 0x20000, 2, 0};        // reserved
    parse_into(g_scratch_info, Protocol::Pvh, s.pa);
    KEXPECT_EQ(g_scratch_info.region_count, usize(3));
    KEXPECT(g_scratch_info.regions[0].kind == RegionKind::Usable);
    KEXPECT(g_scratch_info.regions[1].kind == RegionKind::Reserved); // unknown -> reserved
    KEXPECT_EQ(g_scratch_info.cmdline_len, usize(0));
    KEXPECT_EQ(g_scratch_info.initrd_size, u64(0));
}

KTEST_SHOULD_PANIC(boot_pvh_without_memory_map_stops_cleanly, "gave no memory map") {
    Scratch s;
    fill_pvh(s, 0);
    parse_into(g_scratch_info, Protocol::Pvh, s.pa);
}

KTEST_SHOULD_PANIC(boot_pvh_bad_magic_stops_cleanly, "bad PVH start info magic") {
    Scratch s;
    fill_pvh(s, 0);
    s.at<Pvh>(0).magic = 0x12345678;
    parse_into(g_scratch_info, Protocol::Pvh, s.pa);
}

KTEST(boot_pvh_long_cmdline_is_truncated_and_initrd_checked) {
    Scratch s;
    fill_pvh(s, 1);
    s.at<MemEntry>(0x100) = {0x100000, 0x1000000, 1, 0};
    s.at<Pvh>(0).cmdline = s.pa + 0x200;
    for (u64 i = 0; i < 5000; ++i) {
        s.at<char>(0x200 + i) = 'a' + char(i % 26);
    }
    s.at<char>(0x200 + 5000) = '\0';
    // A module that claims to live above the mapped range is ignored.
    s.at<Pvh>(0).nr_modules = 1;
    s.at<Pvh>(0).modlist = s.pa + 0x1800;
    s.at<ModEntry>(0x1800) = {0x7ffff00000000ull, 0x1000, 0, 0};
    parse_into(g_scratch_info, Protocol::Pvh, s.pa);
    KEXPECT(g_scratch_info.cmdline_truncated);
    KEXPECT_EQ(g_scratch_info.cmdline_len, MAX_CMDLINE - 1);
    KEXPECT_EQ(g_scratch_info.cmdline[MAX_CMDLINE - 1], '\0');
    KEXPECT_EQ(g_scratch_info.cmdline[25], 'z');
    KEXPECT_EQ(g_scratch_info.initrd_size, u64(0));
}

KTEST(boot_multiboot2_malformed_tags_stop_the_walk) {
    Scratch s;
    s.at<u32>(0) = 64; // total size
    s.at<u32>(4) = 0;
    // A memory-map tag whose entries are fine...
    s.at<u32>(8) = 6;
    s.at<u32>(12) = 16 + 24;
    s.at<u32>(16) = 24;
    s.at<u32>(20) = 0;
    s.at<MemEntry>(24) = {0x100000, 0x800000, 1, 0};
    // ...then a tag with a size smaller than its header: parsing stops.
    s.at<u32>(48) = 1;
    s.at<u32>(52) = 4;
    parse_into(g_scratch_info, Protocol::Multiboot2, s.pa);
    KEXPECT_EQ(g_scratch_info.region_count, usize(1));
    KEXPECT_EQ(g_scratch_info.cmdline_len, usize(0));
}

KTEST_SHOULD_PANIC(boot_multiboot2_implausible_size_stops_cleanly, "implausible size") {
    Scratch s;
    s.at<u32>(0) = 0x7fffffff;
    parse_into(g_scratch_info, Protocol::Multiboot2, s.pa);
}

} // namespace keel::boot

namespace keel::boot {

// The memory map and the ACPI facts device claims are checked against are
// read-only once the framework's page tables are up (section
// .ro_after_init): a stray write (or one a bug lets through) faults rather
// than turning kernel RAM into "not RAM". The direct-map alias is read-only
// too.
KTEST_SHOULD_PANIC(boot_memory_map_is_read_only_after_boot, "page fault: write") {
    const BootInfo& bi = info();
    KASSERT(bi.region_count > 0);
    // SAFETY: deliberately writes read-only memory to show it faults.
    auto& kind = const_cast<RegionKind&>(bi.regions[0].kind);
    kind = RegionKind::Reserved;
}

KTEST_SHOULD_PANIC(boot_memory_map_direct_map_alias_is_read_only, "page fault: write") {
    const BootInfo& bi = info();
    const u64 pa = u64(&bi) - u64(mm::__kernel_start) + mm::kernel_phys_start();
    // SAFETY: deliberately writes the read-only alias to show it faults.
    mm::phys_ptr<volatile u64>(pa + 8)[0] = 0;
}

} // namespace keel::boot
