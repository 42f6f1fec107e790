// Normalizes the PVH start info or the multiboot2 information into BootInfo.
// Everything the loader handed over is copied out (memory map, command line)
// or recorded by physical address (initrd, RSDP); nothing the loader wrote is
// trusted to be well-formed: sizes are bounded and odd entries are dropped.
#include "boot/boot_info.h"

#include "arch/x86_64/init.h"
#include "mm/phys.h"
#include <keel/boot.h>
#include <keel/log.h>
#include <keel/panic.h>

namespace keel::boot {

namespace {

// Read-only once the framework's page tables are up (linker.ld): device
// claims are checked against this memory map.
[[gnu::section(".ro_after_init")]] BootInfo g_info;

struct [[gnu::packed]] HvmStartInfo {
    u32 magic;
    u32 version;
    u32 flags;
    u32 nr_modules;
    u64 modlist_paddr;
    u64 cmdline_paddr;
    u64 rsdp_paddr;
    u64 memmap_paddr;
    u32 memmap_entries;
    u32 reserved;
};
struct HvmModlistEntry {
    u64 paddr;
    u64 size;
    u64 cmdline_paddr;
    u64 reserved;
};
struct HvmMemmapEntry {
    u64 addr;
    u64 size;
    u32 type;
    u32 reserved;
};
constexpr u32 HVM_START_MAGIC = 0x336ec578;

// The loader's structures are below 4 GiB; the boot page tables direct-map
// exactly that, so anything beyond is refused rather than dereferenced.
constexpr u64 BOOT_MAPPED_LIMIT = 4ull << 30;

bool readable(u64 pa, u64 len) {
    return pa != 0 && pa < BOOT_MAPPED_LIMIT && len <= BOOT_MAPPED_LIMIT - pa;
}

void note_boot_data(BootInfo& bi, u64 pa, u64 len) {
    if (pa + len > bi.boot_data_end) {
        bi.boot_data_end = pa + len;
    }
}

void add_region(BootInfo& bi, u64 base, u64 size, u32 type) {
    if (size == 0 || base + size < base) {
        log_warn("boot: ignoring odd memory-map entry base={:#x} size={:#x} type={}", base, size,
                 type);
        return;
    }
    if (bi.region_count == MAX_REGIONS) {
        bi.regions_dropped = true;
        return;
    }
    RegionKind kind = RegionKind::Reserved;
    switch (type) {
    case 1:
        kind = RegionKind::Usable;
        break;
    case 3:
        kind = RegionKind::AcpiReclaim;
        break;
    case 4:
        kind = RegionKind::AcpiNvs;
        break;
    case 5:
        kind = RegionKind::Bad;
        break;
    default:
        kind = RegionKind::Reserved;
        break;
    }
    bi.regions[bi.region_count++] = {base, size, kind};
}

void copy_cmdline(BootInfo& bi, u64 pa) {
    if (!readable(pa, 1)) {
        return;
    }
    // SAFETY: [pa, pa + avail) is below 4 GiB (direct-mapped by the boot
    // tables); we read byte by byte and stop at the NUL or at either bound.
    const char* s = mm::phys_ptr<const char>(pa);
    const u64 avail = BOOT_MAPPED_LIMIT - pa;
    usize n = 0;
    while (n < avail && s[n] != '\0') {
        if (n == MAX_CMDLINE - 1) {
            bi.cmdline_truncated = true;
            break;
        }
        bi.cmdline[n] = s[n];
        ++n;
    }
    bi.cmdline[n] = '\0';
    bi.cmdline_len = n;
    note_boot_data(bi, pa, n + 1);
}

void parse_pvh(BootInfo& bi, u64 pa) {
    if (!readable(pa, sizeof(HvmStartInfo))) {
        panic("boot: PVH start info at {:#x} is not addressable", pa);
    }
    // SAFETY: bounds checked above; the loader placed the struct there.
    const auto& si = *mm::phys_ptr<const HvmStartInfo>(pa);
    if (si.magic != HVM_START_MAGIC) {
        bool ascii = true;
        for (int i = 0; i < 4; ++i) {
            u8 c = u8(si.magic >> (8 * i));
            ascii = ascii && c >= 0x20 && c < 0x7f;
        }
        if (ascii) {
            // QEMU lays the start info out right after the command line; a
            // command line longer than about 4 KiB runs over it.
            panic("boot: PVH start info overwritten by text (magic {:#x}): the command line is "
                  "too long for the boot loader; use at most 4 KiB",
                  si.magic);
        }
        panic("boot: bad PVH start info magic {:#x}", si.magic);
    }
    note_boot_data(bi, pa, sizeof(HvmStartInfo));
    copy_cmdline(bi, si.cmdline_paddr);
    bi.rsdp_phys = si.rsdp_paddr;
    if (si.nr_modules > 0 && readable(si.modlist_paddr, sizeof(HvmModlistEntry))) {
        // SAFETY: bounds checked; only the first module (the initrd) is used.
        const auto& m = *mm::phys_ptr<const HvmModlistEntry>(si.modlist_paddr);
        if (m.size > 0 && readable(m.paddr, m.size)) {
            bi.initrd_phys = m.paddr;
            bi.initrd_size = m.size;
        } else {
            log_warn("boot: ignoring unaddressable initrd at {:#x} size {:#x}", m.paddr, m.size);
        }
    }
    if (si.version >= 1 && si.memmap_entries > 0 &&
        readable(si.memmap_paddr, u64(si.memmap_entries) * sizeof(HvmMemmapEntry))) {
        note_boot_data(bi, si.memmap_paddr, u64(si.memmap_entries) * sizeof(HvmMemmapEntry));
        for (u32 i = 0; i < si.memmap_entries; ++i) {
            // SAFETY: the whole table was bounds-checked above.
            const auto& e = mm::phys_ptr<const HvmMemmapEntry>(si.memmap_paddr)[i];
            add_region(bi, e.addr, e.size, e.type);
        }
    }
}

struct Mb2Tag {
    u32 type;
    u32 size;
};

void parse_mb2(BootInfo& bi, u64 pa) {
    if (!readable(pa, 8)) {
        panic("boot: multiboot2 info at {:#x} is not addressable", pa);
    }
    // SAFETY: readable() bounds the header; total_size is bounded below.
    u32 total = *mm::phys_ptr<const u32>(pa);
    if (total < 16 || total > (1u << 20) || !readable(pa, total)) {
        panic("boot: multiboot2 info has implausible size {}", total);
    }
    note_boot_data(bi, pa, total);
    u64 off = 8;
    while (off + sizeof(Mb2Tag) <= total) {
        // SAFETY: off + 8 <= total, and [pa, pa+total) is mapped.
        const auto& tag = *mm::phys_ptr<const Mb2Tag>(pa + off);
        if (tag.type == 0 || tag.size < 8 || off + tag.size > total) {
            break;
        }
        u64 body = pa + off + 8;
        u64 body_len = tag.size - 8;
        switch (tag.type) {
        case 1: // command line
            copy_cmdline(bi, body);
            break;
        case 3: // module: u32 start, u32 end, string
            if (body_len >= 8 && bi.initrd_size == 0) {
                // SAFETY: body_len >= 8 checked.
                u32 start = *mm::phys_ptr<const u32>(body);
                u32 end = *mm::phys_ptr<const u32>(body + 4);
                if (end > start) {
                    bi.initrd_phys = start;
                    bi.initrd_size = end - start;
                }
            }
            break;
        case 6: { // memory map: u32 entry_size, u32 version, entries
            if (body_len < 8) {
                break;
            }
            u32 esize = *mm::phys_ptr<const u32>(body);
            if (esize < 24) {
                log_warn("boot: multiboot2 memory map entry size {} too small", esize);
                break;
            }
            for (u64 e = 8; e + esize <= body_len; e += esize) {
                // SAFETY: the entry lies within the tag, within the info.
                const auto& ent = *mm::phys_ptr<const HvmMemmapEntry>(body + e);
                add_region(bi, ent.addr, ent.size, ent.type);
            }
            break;
        }
        case 14: // ACPI 1.0 RSDP copy
        case 15: // ACPI 2.0 RSDP copy
            if (bi.rsdp_phys == 0 || tag.type == 15) {
                bi.rsdp_phys = body;
            }
            break;
        default:
            break;
        }
        off = (off + tag.size + 7) & ~u64(7);
    }
}

} // namespace

void parse_into(BootInfo& bi, Protocol proto, u64 info_phys) {
    bi = BootInfo{};
    bi.protocol = proto;
    if (proto == Protocol::Pvh) {
        parse_pvh(bi, info_phys);
    } else if (proto == Protocol::Multiboot2) {
        parse_mb2(bi, info_phys);
    } else {
        panic("boot: unknown boot protocol {}", u32(proto));
    }
    if (bi.cmdline_truncated) {
        log_warn("boot: command line longer than {} bytes; truncated", MAX_CMDLINE - 1);
    }
    if (bi.regions_dropped) {
        log_warn("boot: more than {} memory-map entries; the rest are ignored", MAX_REGIONS);
    }
    if (bi.region_count == 0) {
        panic("boot: the boot loader gave no memory map; cannot continue");
    }
    if (bi.initrd_size != 0) {
        note_boot_data(bi, bi.initrd_phys, bi.initrd_size);
    }
}

void parse(Protocol proto, u64 info_phys) {
    parse_into(g_info, proto, info_phys);
}

const BootInfo& info() {
    return g_info;
}

} // namespace keel::boot

namespace keel {

klib::StringView boot_cmdline() {
    // SAFETY: g_info is written once during boot, before any service runs.
    return klib::StringView::from_raw(boot::g_info.cmdline, boot::g_info.cmdline_len);
}

klib::Optional<klib::StringView> boot_param(klib::StringView key) {
    klib::StringView cl = boot_cmdline();
    klib::Optional<klib::StringView> found;
    usize i = 0;
    while (i < cl.size()) {
        while (i < cl.size() && cl[i] == ' ') {
            ++i;
        }
        usize start = i;
        while (i < cl.size() && cl[i] != ' ') {
            ++i;
        }
        klib::StringView word = cl.substr(start, i - start);
        if (word.empty()) {
            continue;
        }
        usize eq = word.find('=');
        klib::StringView k = eq == klib::StringView::npos ? word : word.substr(0, eq);
        if (k == key) {
            found = eq == klib::StringView::npos ? klib::StringView() : word.substr(eq + 1);
        }
    }
    return found;
}

klib::Span<const u8> boot_initrd() {
    if (boot::g_info.initrd_size == 0) {
        return {};
    }
    // SAFETY: the initrd range was checked addressable at parse time, is
    // reserved from the frame allocator and stays direct-mapped.
    return klib::Span<const u8>::from_raw(mm::phys_ptr<const u8>(boot::g_info.initrd_phys),
                                          boot::g_info.initrd_size);
}

u64 boot_usable_memory() {
    u64 total = 0;
    for (usize i = 0; i < boot::g_info.region_count; ++i) {
        if (boot::g_info.regions[i].kind == boot::RegionKind::Usable) {
            total += boot::g_info.regions[i].size;
        }
    }
    return total;
}

klib::StringView cpu_flags() {
    return arch::cpu_features_string();
}

} // namespace keel
