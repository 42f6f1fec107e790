// CPU feature detection and control-register hardening.
#include "arch/x86_64/cpu.h"

#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/init.h"
#include "arch/x86_64/percpu.h"
#include <keel/log.h>
#include <keel/panic.h>

namespace keel::arch {

namespace {
Features g_features;
char g_feature_str[128];
usize g_feature_len = 0;

void add_feature(bool on, klib::StringView name) {
    if (!on || g_feature_len + name.size() + 1 >= sizeof(g_feature_str)) {
        return;
    }
    if (g_feature_len > 0) {
        g_feature_str[g_feature_len++] = ' ';
    }
    for (char c : name) {
        g_feature_str[g_feature_len++] = c;
    }
}

constexpr u64 CR0_WP = 1u << 16;
constexpr u64 CR4_PGE = 1u << 7;
constexpr u64 CR4_UMIP = 1u << 11;
constexpr u64 CR4_SMEP = 1u << 20;
constexpr u64 CR4_SMAP = 1u << 21;
constexpr u64 EFER_NXE = 1u << 11;
} // namespace

const Features& features() {
    return g_features;
}

klib::StringView cpu_features_string() {
    // SAFETY: static buffer, written once during init_cpu().
    return klib::StringView::from_raw(g_feature_str, g_feature_len);
}

void init_cpu() {
    g_features.hwcap = cpuid(1).edx;
    auto l1 = cpuid(1);
    auto l7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : CpuidResult{0, 0, 0, 0};
    u32 max_ext = cpuid(0x80000000).eax;
    auto e1 = max_ext >= 0x80000001 ? cpuid(0x80000001) : CpuidResult{0, 0, 0, 0};
    auto e7 = max_ext >= 0x80000007 ? cpuid(0x80000007) : CpuidResult{0, 0, 0, 0};
    g_features.nx = e1.edx & (1u << 20);
    g_features.pge = l1.edx & (1u << 13);
    g_features.x2apic = l1.ecx & (1u << 21);
    g_features.rdrand = l1.ecx & (1u << 30);
    g_features.xsave = l1.ecx & (1u << 26);
    g_features.smep = l7.ebx & (1u << 7);
    g_features.rdseed = l7.ebx & (1u << 18);
    g_features.smap = l7.ebx & (1u << 20);
    g_features.fsgsbase = l7.ebx & (1u << 0);
    g_features.umip = l7.ecx & (1u << 2);
    g_features.invariant_tsc = e7.edx & (1u << 8);
    bool apic = l1.edx & (1u << 9);
    if (!apic) {
        panic("cpu: no local APIC; Keel needs one");
    }
    add_feature(g_features.nx, "nx");
    add_feature(g_features.smep, "smep");
    add_feature(g_features.smap, "smap");
    add_feature(g_features.umip, "umip");
    add_feature(g_features.pge, "pge");
    add_feature(apic, "apic");
    add_feature(g_features.x2apic, "x2apic");
    add_feature(g_features.fsgsbase, "fsgsbase");
    add_feature(g_features.xsave, "xsave");
    add_feature(g_features.rdrand, "rdrand");
    add_feature(g_features.rdseed, "rdseed");
    add_feature(g_features.invariant_tsc, "invtsc");

    init_descriptors();
    init_user_mode();

    // SAFETY: turning on protections only restricts what code may do. SMAP is
    // safe to enable because every user access goes through the framework's
    // copy routines, which bracket it with stac/clac.
    if (g_features.nx) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    }
    write_cr0(read_cr0() | CR0_WP);
    u64 cr4 = read_cr4();
    if (g_features.pge)
        cr4 |= CR4_PGE;
    if (g_features.smep)
        cr4 |= CR4_SMEP;
    if (g_features.smap)
        cr4 |= CR4_SMAP;
    if (g_features.umip)
        cr4 |= CR4_UMIP;
    write_cr4(cr4);
}

} // namespace keel::arch
