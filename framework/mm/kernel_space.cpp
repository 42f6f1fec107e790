#include "mm/kernel_space.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/init.h"
#include "boot/boot_info.h"
#include "mm/direct_map.h"
#include "mm/frame_allocator.h"
#include "mm/phys.h"
#include "mm/table_mem.h"
#include <keel/log.h>
#include <keel/panic.h>
#include <keel/sync/spinlock.h>

namespace keel::mm {

namespace {

struct KernelSpace {
    u64 root = 0;
    u64 mmio_next = MMIO_AREA_BASE;
    u64 stack_next = KSTACK_AREA_BASE;
    u64 vmalloc_next = VMALLOC_AREA_BASE;
};

SpinLock<KernelSpace, IrqOff> g_space;
TableMem g_mem;

u64 global_bit() {
    return arch::features().pge ? pte::GLOBAL : 0;
}
u64 nx_bit() {
    return arch::features().nx ? pte::NX : 0;
}

void must_map(PageTableOps<TableMem>& ops, u64 root, u64 va, u64 pa, u64 flags, PageSize s) {
    auto r = ops.map(root, va, pa, flags, s);
    if (r.is_err()) {
        panic("mm: cannot map {:#x} -> {:#x}: {}", va, pa, klib::error_name(r.error()));
    }
}

void map_image_range(PageTableOps<TableMem>& ops, u64 root, char* start, char* end, u64 flags) {
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

// Rolls back a partly built mapping of `pages` 4 KiB pages from `va`:
// unmaps them (freeing their frames when `free` is set, and any page table
// left empty) and flushes each page, since the CPU may cache translations of
// present entries even if they were never used.
void unmap_range(PageTableOps<TableMem>& ops, u64 root, u64 va, u64 pages, bool free) {
    for (u64 i = 0; i < pages; ++i) {
        auto m = ops.unmap(root, va + i * PAGE_SIZE);
        flush_page(va + i * PAGE_SIZE);
        if (free && m.is_ok()) {
            free_frames(m.value().phys, 0);
        }
    }
}

} // namespace

void kernel_space_init() {
    PageTableOps<TableMem> ops(g_mem);
    auto root_frame = alloc_frames(0, FrameUse::PageTable);
    if (!root_frame.has_value()) {
        panic("mm: no memory for the kernel page table");
    }
    u64 root = root_frame.value();
    const u64 g = global_bit(), nx = nx_bit();

    // Direct map: RAM-like memory only (usable, ACPI), RW+NX, write-back.
    // Device windows are never in it: they are mapped uncached, once, by
    // map_mmio() (see mm/direct_map.h for why 2 MiB rounding is avoided).
    // The kernel image's physical pages are mapped 4 KiB at a time so that
    // the alias of its code and read-only data is read-only too.
    const auto& bi = boot::info();
    const u64 image_phys_start = u64(__boot_start) & ~(PAGE_SIZE - 1);
    const u64 image_phys_end = (kernel_phys_end() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    auto image_alias_read_only = [](u64 pa) {
        auto in = [pa](char* s, char* e) {
            return pa >= u64(s) - kernel_vma && pa < u64(e) - kernel_vma;
        };
        return in(__text_start, __text_end) || in(__rodata_start, __rodata_end) ||
               in(__ro_after_init_start, __ro_after_init_end) || in(__ksyms_start, __ksyms_end);
    };
    plan_direct_map(bi.regions, bi.region_count, image_phys_start, image_phys_end,
                    [&](u64 pa, PageSize size) {
                        u64 w = image_alias_read_only(pa) ? 0 : pte::WRITE;
                        must_map(ops, root, phys_to_virt(pa), pa, w | nx | g, size);
                    });
    // The initrd stays readable through the direct map (boot_initrd()) even
    // if the loader put it outside RAM-like memory.
    if (bi.initrd_size != 0) {
        for (u64 pa = bi.initrd_phys & ~(PAGE_SIZE - 1); pa < bi.initrd_phys + bi.initrd_size;
             pa += PAGE_SIZE) {
            if (!ops.query(root, phys_to_virt(pa)).has_value()) {
                must_map(ops, root, phys_to_virt(pa), pa, nx | g, PageSize::Size4K);
            }
        }
    }

    // The kernel image, W^X.
    map_image_range(ops, root, __text_start, __text_end, g);
    map_image_range(ops, root, __rodata_start, __rodata_end, nx | g);
    map_image_range(ops, root, __ro_after_init_start, __ro_after_init_end, nx | g);
    map_image_range(ops, root, __data_start, __data_end, pte::WRITE | nx | g);
    map_image_range(ops, root, __ksyms_start, __ksyms_end, nx | g);

    // Every kernel-half PML4 entry exists from now on (256 PDPT frames,
    // 1 MiB): user address spaces copy these entries once, at creation, so
    // kernel mappings added later (stacks, MMIO windows) appear in every
    // space without synchronisation.
    {
        u64* l4 = phys_ptr<u64>(root);
        for (u64 i = 256; i < 512; ++i) {
            if (!(l4[i] & pte::PRESENT)) {
                auto t = alloc_frames(0, FrameUse::PageTable);
                if (!t.has_value()) {
                    panic("mm: no memory for the kernel half's page tables");
                }
                l4[i] = t.value() | pte::PRESENT | pte::WRITE;
            }
        }
    }

    // SAFETY: the new tables map everything the kernel uses from here on:
    // the image (where this code and the boot stack live) and the direct map
    // of RAM (frame metadata, page tables, the initrd). The loader's
    // structures and the ACPI tables were copied out or parsed before this
    // point and are not used again. The low identity map is intentionally
    // absent. Writing CR3 flushes every TLB entry of the boot tables (none
    // of them is global).
    arch::write_cr3(root);
    g_space.with([&](KernelSpace& s) { s.root = root; });
}

u64 kernel_root() {
    return g_space.with([](KernelSpace& s) { return s.root; });
}

klib::Result<u64> map_mmio(u64 phys, u64 size) {
    if (size == 0 || phys > pte::ADDR_MASK || size > pte::ADDR_MASK - phys + 1) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const u64 first = phys & ~(PAGE_SIZE - 1);
    const u64 last = (phys + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    return g_space.with([&](KernelSpace& s) -> klib::Result<u64> {
        PageTableOps<TableMem> ops(g_mem);
        const u64 base = s.mmio_next;
        // The window plus the hole after it must fit in the MMIO area.
        if (base > MMIO_AREA_END - PAGE_SIZE || last - first > MMIO_AREA_END - PAGE_SIZE - base) {
            return klib::Err(klib::Error::NoMemory);
        }
        for (u64 pa = first; pa < last; pa += PAGE_SIZE) {
            auto r = ops.map(s.root, base + (pa - first), pa,
                             pte::WRITE | pte::PCD | pte::PWT | nx_bit(), PageSize::Size4K);
            if (r.is_err()) {
                // Leave nothing behind: the next window starts at `base` again.
                unmap_range(ops, s.root, base, (pa - first) / PAGE_SIZE, false);
                return klib::Err(r.error());
            }
        }
        s.mmio_next = base + (last - first) + PAGE_SIZE; // a hole between windows
        return base + (phys - first);
    });
}

// Maps `pages` fresh frames of `use` above an unmapped guard page at
// `*next` (bounded by `end`); returns the first mapped address and advances
// `*next` past them. Nothing stays mapped or allocated on failure.
klib::Result<u64> map_guarded(KernelSpace& s, u64& next, u64 end, usize pages, FrameUse use) {
    PageTableOps<TableMem> ops(g_mem);
    const u64 guard = next;
    if (pages == 0) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    // Guard page and pages must fit in the area.
    if (guard >= end - PAGE_SIZE || pages > (end - PAGE_SIZE - guard) / PAGE_SIZE) {
        return klib::Err(klib::Error::NoMemory);
    }
    const u64 bottom = guard + PAGE_SIZE;
    for (usize i = 0; i < pages; ++i) {
        auto f = alloc_frames(0, use);
        if (!f.has_value()) {
            unmap_range(ops, s.root, bottom, i, true);
            return klib::Err(klib::Error::NoMemory);
        }
        auto r = ops.map(s.root, bottom + i * PAGE_SIZE, f.value(), pte::WRITE | nx_bit(),
                         PageSize::Size4K);
        if (r.is_err()) {
            free_frames(f.value(), 0);
            unmap_range(ops, s.root, bottom, i, true);
            return klib::Err(r.error());
        }
    }
    next = bottom + pages * PAGE_SIZE;
    return bottom;
}

klib::Result<u64> alloc_kernel_stack(usize pages) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<u64> {
        u64 bottom =
            TRY(map_guarded(s, s.stack_next, MMIO_AREA_BASE, pages, FrameUse::KernelStack));
        return bottom + pages * PAGE_SIZE;
    });
}

void unmap_mmio(u64 va, u64 size) {
    const u64 first = va & ~(PAGE_SIZE - 1);
    const u64 pages = (va + size - first + PAGE_SIZE - 1) / PAGE_SIZE;
    g_space.with([&](KernelSpace& s) {
        PageTableOps<TableMem> ops(g_mem);
        unmap_range(ops, s.root, first, pages, false);
    });
}

void free_kernel_stack(u64 top, usize pages) {
    g_space.with([&](KernelSpace& s) {
        PageTableOps<TableMem> ops(g_mem);
        unmap_range(ops, s.root, top - pages * PAGE_SIZE, pages, true);
    });
}

klib::Result<u64> vmalloc_pages(usize pages) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<u64> {
        // Addresses are handed out once (the area is 16 TiB); the guard
        // page below each block catches underruns from the block above.
        return map_guarded(s, s.vmalloc_next, VMALLOC_AREA_END, pages, FrameUse::Heap);
    });
}

bool vmalloc_contains(u64 va) {
    return va >= VMALLOC_AREA_BASE && va < VMALLOC_AREA_END;
}

void vfree_pages(u64 va, usize pages) {
    g_space.with([&](KernelSpace& s) {
        PageTableOps<TableMem> ops(g_mem);
        unmap_range(ops, s.root, va, pages, true);
    });
}

klib::Optional<Mapping> kernel_query(u64 va) {
    return g_space.with([&](KernelSpace& s) {
        PageTableOps<TableMem> ops(g_mem);
        return ops.query(s.root, va);
    });
}

klib::Result<void> kernel_protect(u64 va, u64 flags) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<void> {
        PageTableOps<TableMem> ops(g_mem);
        TRY(ops.protect(s.root, va, flags));
        flush_page(va);
        return {};
    });
}

klib::Result<void> kernel_map_page(u64 va, u64 pa, u64 flags) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<void> {
        PageTableOps<TableMem> ops(g_mem);
        TRY(ops.map(s.root, va, pa, flags, PageSize::Size4K));
        flush_page(va);
        return {};
    });
}

klib::Result<Mapping> kernel_unmap_page(u64 va) {
    return g_space.with([&](KernelSpace& s) -> klib::Result<Mapping> {
        PageTableOps<TableMem> ops(g_mem);
        auto m = TRY(ops.unmap(s.root, va));
        flush_page(va);
        return m;
    });
}

} // namespace keel::mm
