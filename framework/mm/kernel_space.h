// The kernel's own address space: direct map, W^X image, MMIO windows and
// guarded kernel stacks. Framework-private.
#pragma once

#include "mm/page_table.h"
#include <klib/result.h>

namespace keel::mm {

// Builds the kernel page tables and switches to them. After this the low
// identity map is gone (NULL faults) and each image section has its own
// permissions: text RX, rodata R+NX, data/bss RW+NX.
void kernel_space_init();

u64 kernel_root();

// Maps a device register window uncached, RW, NX; returns its virtual
// address (keeps the offset within the page).
klib::Result<u64> map_mmio(u64 phys, u64 size);
// Unmaps a window from map_mmio (the virtual range is not reused).
void unmap_mmio(u64 va, u64 size);

// A kernel stack: `pages` mapped RW+NX pages with an unmapped guard page
// below, in the kernel-stack area. Returns the top (initial rsp).
klib::Result<u64> alloc_kernel_stack(usize pages);

// Unmaps and frees a stack from alloc_kernel_stack (its address range is
// not reused).
void free_kernel_stack(u64 top, usize pages);

// Large heap blocks: `pages` scattered Heap frames mapped contiguously (RW,
// NX) in the vmalloc area above a guard page; returns the first address.
klib::Result<u64> vmalloc_pages(usize pages);
// Unmaps and frees a block from vmalloc_pages (TLB flushed first).
void vfree_pages(u64 va, usize pages);
bool vmalloc_contains(u64 va);

klib::Optional<Mapping> kernel_query(u64 va);
// Changes the flags of one mapped kernel page (ktests of W^X use it).
klib::Result<void> kernel_protect(u64 va, u64 flags);
// Maps/unmaps one 4 KiB page in the kernel half (ktests).
klib::Result<void> kernel_map_page(u64 va, u64 pa, u64 flags);
klib::Result<Mapping> kernel_unmap_page(u64 va);

} // namespace keel::mm
