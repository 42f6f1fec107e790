// Physical <-> direct-map virtual address conversion. Framework-private.
#pragma once

#include "arch/x86_64/layout.h"
#include <klib/types.h>

namespace keel::mm {

constexpr u64 PAGE_SIZE = 4096;
constexpr u64 direct_map_base = DIRECT_MAP_BASE;
constexpr u64 kernel_vma = KERNEL_VMA;

inline u64 phys_to_virt(u64 pa) {
    return direct_map_base + pa;
}
inline u64 virt_to_phys_direct(u64 va) {
    return va - direct_map_base;
}

// SAFETY contract for callers: `pa` must be mapped in the direct map and the
// returned pointer used within that range. Before kernel_space_init() the
// boot tables map all of the first 4 GiB; after it, only RAM-like memory
// (usable, ACPI reclaim/NVS; see mm/direct_map.h) and the initrd are mapped.
template <typename T>
inline T* phys_ptr(u64 pa) {
    return reinterpret_cast<T*>(phys_to_virt(pa));
}

extern "C" char __kernel_start[], __kernel_end[], __text_start[], __text_end[], __rodata_start[],
    __rodata_end[], __data_start[], __data_end[], __bss_start[], __bss_end[], __boot_start[],
    __boot_end[], __ksyms_start[], __ksyms_end[], boot_stack_guard[], boot_stack_bottom[],
    boot_stack_top[], __ro_after_init_start[], __ro_after_init_end[];

inline u64 kernel_phys_start() {
    return u64(__kernel_start) - kernel_vma;
}
inline u64 kernel_phys_end() {
    return u64(__kernel_end) - kernel_vma;
}

} // namespace keel::mm
