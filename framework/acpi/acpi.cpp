#include "acpi/acpi.h"

#include "acpi/aml_s5.h"
#include "mm/phys.h"
#include <keel/log.h>

namespace keel::acpi {

namespace {

// Read-only once the framework's page tables are up (linker.ld).
[[gnu::section(".ro_after_init")]] Info g_info;

// Runs before the framework's page tables exist: only the first 4 GiB are
// mapped, so every table address is checked against that bound.
constexpr u64 LIMIT = 4ull << 30;

struct [[gnu::packed]] Rsdp {
    char sig[8];
    u8 checksum;
    char oem[6];
    u8 revision;
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 ext_checksum;
    u8 reserved[3];
};

struct [[gnu::packed]] SdtHeader {
    char sig[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem[6];
    char oem_table[8];
    u32 oem_rev;
    u32 creator;
    u32 creator_rev;
};

bool in_range(u64 pa, u64 len) {
    return pa != 0 && pa < LIMIT && len <= LIMIT - pa;
}

const u8* bytes(u64 pa) {
    // SAFETY: callers check in_range() first; the range is direct-mapped.
    return mm::phys_ptr<const u8>(pa);
}

bool checksum_ok(u64 pa, u64 len) {
    u8 sum = 0;
    for (u64 i = 0; i < len; ++i) {
        sum = u8(sum + bytes(pa)[i]);
    }
    return sum == 0;
}

bool sig_is(const char* s, const char (&want)[5]) {
    return s[0] == want[0] && s[1] == want[1] && s[2] == want[2] && s[3] == want[3];
}

// Returns the table's length if pa holds a valid table, else 0.
u32 table_len(u64 pa) {
    if (!in_range(pa, sizeof(SdtHeader))) {
        return 0;
    }
    const auto& h = *mm::phys_ptr<const SdtHeader>(pa);
    if (h.length < sizeof(SdtHeader) || h.length > (1u << 24) || !in_range(pa, h.length) ||
        !checksum_ok(pa, h.length)) {
        return 0;
    }
    return h.length;
}

u64 find_rsdp_in(u64 start, u64 len) {
    for (u64 pa = start; pa + 20 <= start + len; pa += 16) {
        const char* s = mm::phys_ptr<const char>(pa);
        if (s[0] == 'R' && s[1] == 'S' && s[2] == 'D' && s[3] == ' ' && s[4] == 'P' &&
            s[5] == 'T' && s[6] == 'R' && s[7] == ' ' && checksum_ok(pa, 20)) {
            return pa;
        }
    }
    return 0;
}

u64 search_rsdp() {
    u64 ebda = u64(*mm::phys_ptr<const u16>(0x40e)) << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000) {
        if (u64 r = find_rsdp_in(ebda, 1024)) {
            return r;
        }
    }
    return find_rsdp_in(0xe0000, 0x20000);
}

void parse_dsdt(u64 pa) {
    u32 len = table_len(pa);
    if (len == 0) {
        log_warn("acpi: DSDT at {:#x} is invalid", pa);
        return;
    }
    S5 s5{};
    // SAFETY: table_len() checked [pa, pa + len) in range; find_s5 stays in it.
    if (find_s5(bytes(pa), len, sizeof(SdtHeader), s5)) {
        g_info.slp_typ_s5a = s5.slp_typ_a;
        g_info.slp_typ_s5b = s5.slp_typ_b;
        g_info.s5_found = true;
    }
}

void parse_fadt(u64 pa, u32 len) {
    const u8* f = bytes(pa);
    auto u32_at = [&](u32 off) -> u32 {
        return off + 4 <= len
                   ? u32(f[off] | (f[off + 1] << 8) | (f[off + 2] << 16) | (u32(f[off + 3]) << 24))
                   : 0;
    };
    u64 dsdt = u32_at(40);
    g_info.smi_cmd = u16(u32_at(48));
    g_info.acpi_enable = len > 52 ? f[52] : 0;
    g_info.pm1a_cnt = u16(u32_at(64));
    g_info.pm1b_cnt = u16(u32_at(68));
    if (len >= 148) {
        u64 xdsdt = u64(u32_at(140)) | (u64(u32_at(144)) << 32);
        if (xdsdt != 0) {
            dsdt = xdsdt;
        }
    }
    parse_dsdt(dsdt);
}

void parse_madt(u64 pa, u32 len) {
    if (len < 44) {
        return; // no room for the local APIC address and flags
    }
    const u8* m = bytes(pa);
    g_info.lapic_phys = u32(m[36] | (m[37] << 8) | (m[38] << 16) | (u32(m[39]) << 24));
    u32 cpus = 0;
    for (u32 off = 44; off + 2 <= len;) {
        u8 type = m[off], elen = m[off + 1];
        if (elen < 2 || off + elen > len) {
            break;
        }
        if (type == 0 && elen >= 8 && (m[off + 4] & 3) != 0) {
            ++cpus; // processor local APIC, enabled or online-capable
        } else if (type == 1 && elen >= 12 && g_info.ioapic_phys == 0) {
            g_info.ioapic_phys =
                u32(m[off + 4] | (m[off + 5] << 8) | (m[off + 6] << 16) | (u32(m[off + 7]) << 24));
            g_info.ioapic_gsi_base =
                u32(m[off + 8] | (m[off + 9] << 8) | (m[off + 10] << 16) | (u32(m[off + 11]) << 24));
        } else if (type == 2 && elen >= 10 && m[off + 2] == 0 && m[off + 3] < 16) {
            // Interrupt source override: bus 0 (ISA), source IRQ, GSI, flags.
            g_info.isa_gsi[m[off + 3]] =
                u32(m[off + 4] | (m[off + 5] << 8) | (m[off + 6] << 16) | (u32(m[off + 7]) << 24));
            g_info.isa_flags[m[off + 3]] = u16(m[off + 8] | (m[off + 9] << 8));
        } else if (type == 9 && elen >= 16 && (m[off + 8] & 3) != 0) {
            ++cpus; // x2APIC entry
        }
        off += elen;
    }
    g_info.cpu_count = cpus == 0 ? 1 : cpus;
}

void visit(u64 pa) {
    u32 len = table_len(pa);
    if (len == 0) {
        return;
    }
    const auto& h = *mm::phys_ptr<const SdtHeader>(pa);
    if (sig_is(h.sig, "FACP")) {
        parse_fadt(pa, len);
    } else if (sig_is(h.sig, "APIC")) {
        parse_madt(pa, len);
    } else if (sig_is(h.sig, "HPET") && len >= 56) {
        const u8* t = bytes(pa);
        u64 lo = u32(t[44] | (t[45] << 8) | (t[46] << 16) | (u32(t[47]) << 24));
        u64 hi = u32(t[48] | (t[49] << 8) | (t[50] << 16) | (u32(t[51]) << 24));
        g_info.hpet_phys = lo | (hi << 32);
    } else if (sig_is(h.sig, "DMAR")) {
        // Remapping structures after the 48-byte header: type, length; a
        // DRHD (type 0) has the segment at +6 and the register base at +8.
        // The first unit of segment 0 is used (QEMU has one; it lists the
        // devices it covers rather than setting INCLUDE_PCI_ALL).
        const u8* t = bytes(pa);
        for (u32 off = 48; off + 16 <= len;) {
            const u32 type = t[off] | (u32(t[off + 1]) << 8);
            const u32 slen = t[off + 2] | (u32(t[off + 3]) << 8);
            if (slen < 4 || off + slen > len) {
                break;
            }
            if (type == 0 && slen >= 16 && t[off + 6] == 0 && t[off + 7] == 0 &&
                g_info.dmar_phys == 0) {
                for (u32 b = 0; b < 8; ++b) {
                    g_info.dmar_phys |= u64(t[off + 8 + b]) << (8 * b);
                }
            }
            off += slen;
        }
    } else if (sig_is(h.sig, "MCFG") && len >= 44 + 16) {
        // The first allocation entry, if it is segment 0's.
        const u8* e = bytes(pa) + 44;
        u64 base = 0;
        for (u32 b = 0; b < 8; ++b) {
            base |= u64(e[b]) << (8 * b);
        }
        if (e[8] == 0 && e[9] == 0 && e[10] <= e[11] && (base & 0xfffff) == 0) {
            g_info.ecam_phys = base;
            g_info.ecam_bus_start = e[10];
            g_info.ecam_bus_end = e[11];
        }
    }
}

} // namespace

void init(u64 rsdp) {
    if (rsdp == 0) {
        rsdp = search_rsdp();
    }
    if (!in_range(rsdp, sizeof(Rsdp)) || !checksum_ok(rsdp, 20)) {
        log_warn("acpi: no valid RSDP; assuming one CPU, no ACPI power-off");
        return;
    }
    const auto& r = *mm::phys_ptr<const Rsdp>(rsdp);
    u64 root = r.rsdt;
    u32 entry = 4;
    if (r.revision >= 2 && r.xsdt != 0 && checksum_ok(rsdp, sizeof(Rsdp))) {
        root = r.xsdt;
        entry = 8;
    }
    u32 len = table_len(root);
    if (len == 0) {
        log_warn("acpi: root table at {:#x} is invalid", root);
        return;
    }
    for (u32 off = sizeof(SdtHeader); off + entry <= len; off += entry) {
        const u8* p = bytes(root + off);
        u64 t = 0;
        for (u32 b = 0; b < entry; ++b) {
            t |= u64(p[b]) << (8 * b);
        }
        visit(t);
    }
    g_info.valid = true;
}

const Info& info() {
    return g_info;
}

} // namespace keel::acpi
