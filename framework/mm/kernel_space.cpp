#include "mm/kernel_space.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/init.h"
#include "boot/boot_info.h"
#include "mm/frame_allocator.h"
#include "mm/phys.h"
#include <keel/log.h>
#include <keel/panic.h>
#include <keel/sync/spinlock.h>

namespace keel::mm {

namespace {

struct KernelMem {
    u64* table(u64 phys) {
        // SAFETY: page-table frames are allocated by alloc_table() (typed
        // PageTable frames) and direct-mapped.
        return phys_ptr<u64>(phys);
    }
    klib::Optional<u64> alloc_table() { return alloc_frames(0, FrameUse::PageTable); }
    void free_table(u64 phys) { free_frames(phys, 0); }
};

struct KernelSpace {
    u64 root = 0;
    u64 mmio_next = MMIO_AREA_BASE;
    u64 stack_next = KSTACK_AREA_BASE;
};

SpinLock<KernelSpace, IrqOff> g_space;
KernelMem g_mem;

u64 global_bit() {
    return arch::features().pge ? pte::GLOBAL : 0;
}
u64 nx_bit() {
    return arch::features().nx ? pte::NX : 0;
}

void must_map(PageTableOps<KernelMem>& ops, u64 root, u64 va, u64 pa, u64 flags, PageSize s) {
    auto r = ops.map(root, va, pa, flags, s);
    if (r.is_err()) {
        panic("mm: cannot map {:#x} -> {:#x}: {}", va, pa, klib::error_name(r.error()));
    }
}

void map_image_range(PageTableOps<KernelMem>& ops, u64 root, char* start, char* end, u64 flags) {
    for (u64 va = u64(start); va < u64(end); va += PAGE_SIZE) {
        if (va == u64(boot_stack_guard)) {
            continue; // the boot stack's guard page stays unmapped
        }
        must_map(ops, root, va, va - kernel_vma, flags, PageSize::Size4K);
    }
}

void flush_page(u64 va) {
    arch::invlpg(va);
}

} // namespace

void kernel_space_init() {
    PageTableOps<KernelMem> ops(g_mem);
    auto root_frame = alloc_frames(0, FrameUse::PageTable);
    if (!root_frame.has_value()) {
        panic("mm: no memory for the kernel page table");
    }
    u64 root = root_frame.value();
    const u64 g = global_bit(), nx = nx_bit();

    // Direct map: every range the memory map mentions (RAM, ACPI, reserved),
    // rounded to 2 MiB pages, RW+NX. Device windows are mapped separately
    // (uncached) by map_mmio().
    const auto& bi = boot::info();
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        u64 s = r.base & ~(page_bytes(PageSize::Size2M) - 1);
        u64 e = (r.base + r.size + page_bytes(PageSize::Size2M) - 1) &
                ~(page_bytes(PageSize::Size2M) - 1);
        for (u64 pa = s; pa < e; pa += page_bytes(PageSize::Size2M)) {
            if (ops.query(root, phys_to_virt(pa)).has_value()) {
                continue; // regions may share a 2 MiB page
            }
            must_map(ops, root, phys_to_virt(pa), pa, pte::WRITE | nx | g, PageSize::Size2M);
        }
    }
    // The first 1 MiB too (BIOS data, RSDP area), read-only.
    if (!ops.query(root, phys_to_virt(0)).has_value()) {
        must_map(ops, root, phys_to_virt(0), 0, nx | g, PageSize::Size2M);
    }

    // The kernel image, W^X.
    map_image_range(ops, root, __text_start, __text_end, g);
    map_image_range(ops, root, __rodata_start, __rodata_end, nx | g);
    map_image_range(ops, root, __data_start, __data_end, pte::WRITE | nx | g);
    map_image_range(ops, root, __ksyms_start, __ksyms_end, nx | g);

    // SAFETY: the new tables map everything the kernel uses from here on:
    // the image (where this code and the boot stack live) and the direct map
    // (frame metadata, page tables, boot data). The low identity map is
    // intentionally absent.
    arch::write_cr3(root);
    g_space.with([&](KernelSpace& s) { s.root = root; });
}

u64 kernel_root() {
    return g_space.with([](KernelSpace& s) { return s.root; });
}

klib::Result<u64> map_mmio(u64 phys, u64 size) {
    u64 first = phys & ~(PAGE_SIZE - 1);
    u64 last = (phys + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (size == 0 || last < first) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    return g_space.with([&](KernelSpace& s) -> klib::Result<u64> {
        PageTableOps<KernelMem> ops(g_mem);
        u64 base = s.mmio_next;
        for (u64 pa = first; pa < last; pa += PAGE_SIZE) {
            TRY(ops.map(s.root, base + (pa - first), pa,
                        pte::WRITE | pte::PCD | pte::PWT | nx_bit(), PageSize::Size4K));
        }
        s.mmio_next = base + (last - first) + PAGE_SIZE; // a hole between windows
        return base + (phys - first);
    });
}

klib::Result<u64> alloc_kernel_stack(usize pages) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<u64> {
        PageTableOps<KernelMem> ops(g_mem);
        u64 guard = s.stack_next;
        u64 bottom = guard + PAGE_SIZE;
        for (usize i = 0; i < pages; ++i) {
            auto f = alloc_frames(0, FrameUse::KernelStack);
            if (!f.has_value()) {
                // Roll back what was mapped so far.
                for (usize j = 0; j < i; ++j) {
                    auto m = ops.unmap(s.root, bottom + j * PAGE_SIZE);
                    if (m.is_ok()) {
                        free_frames(m.value().phys, 0);
                    }
                }
                return klib::Err(klib::Error::NoMemory);
            }
            TRY(ops.map(s.root, bottom + i * PAGE_SIZE, f.value(), pte::WRITE | nx_bit(),
                        PageSize::Size4K));
        }
        s.stack_next = bottom + pages * PAGE_SIZE;
        return bottom + pages * PAGE_SIZE;
    });
}

klib::Optional<Mapping> kernel_query(u64 va) {
    return g_space.with([&](KernelSpace& s) {
        PageTableOps<KernelMem> ops(g_mem);
        return ops.query(s.root, va);
    });
}

klib::Result<void> kernel_protect(u64 va, u64 flags) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<void> {
        PageTableOps<KernelMem> ops(g_mem);
        TRY(ops.protect(s.root, va, flags));
        flush_page(va);
        return {};
    });
}

klib::Result<void> kernel_map_page(u64 va, u64 pa, u64 flags) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<void> {
        PageTableOps<KernelMem> ops(g_mem);
        TRY(ops.map(s.root, va, pa, flags, PageSize::Size4K));
        flush_page(va);
        return {};
    });
}

klib::Result<Mapping> kernel_unmap_page(u64 va) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<Mapping> {
        PageTableOps<KernelMem> ops(g_mem);
        auto m = TRY(ops.unmap(s.root, va));
        flush_page(va);
        return m;
    });
}

} // namespace keel::mm
