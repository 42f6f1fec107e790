// Virtual memory layout constants shared by assembly, the linker script and C++.
// See docs/architecture.md for the diagram.
#pragma once

#define KERNEL_VMA 0xffffffff80000000       // -2 GiB: kernel image (mcmodel=kernel)
#define KERNEL_PHYS_BASE 0x100000           // the image is loaded at 1 MiB physical
#define DIRECT_MAP_BASE 0xffff800000000000  // RAM (not device windows), RW NX
#define KSTACK_AREA_BASE 0xffffc00000000000 // kernel stacks with guard pages
#define MMIO_AREA_BASE 0xffffd00000000000   // uncached device windows
#define MMIO_AREA_END 0xffffe00000000000    // (each area ends where the next begins)
#define VMALLOC_AREA_BASE 0xffffe00000000000 // large heap blocks from scattered frames
#define VMALLOC_AREA_END 0xfffff00000000000
#define BOOT_STACK_SIZE 0x8000
