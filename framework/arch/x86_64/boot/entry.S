// Boot entry for both boot protocols. Runs in 32-bit protected mode with
// paging off, switches to long mode with static boot page tables, jumps to the
// higher half and calls keel_arch_entry(protocol, info_phys).
//
// PVH (QEMU -kernel): %ebx = physical address of hvm_start_info.
// Multiboot2 (GRUB): %eax = 0x36d76289, %ebx = physical address of the info.
#include "arch/x86_64/layout.h"

#define BOOT_PROTO_PVH 1
#define BOOT_PROTO_MB2 2
#define PHYS(sym) ((sym) - KERNEL_VMA)

// ---- Multiboot2 header: must be in the first 32 KiB of the file, 8-aligned.
    .section .multiboot2, "a"
    .p2align 3
mb2_header:
    .long 0xe85250d6                    // magic
    .long 0                             // architecture: i386 protected mode
    .long mb2_header_end - mb2_header
    .long -(0xe85250d6 + 0 + (mb2_header_end - mb2_header))
    .p2align 3
    .short 3, 0                         // entry address tag
    .long 12
    .long _start32_mb2
    .p2align 3
    .short 0, 0                         // end tag
    .long 8
mb2_header_end:

// ---- PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) for QEMU's -kernel loader.
    .section .note.Xen, "a"
    .p2align 2
    .long 4                             // namesz
    .long 4                             // descsz
    .long 18                            // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long _start32_pvh

// ---- 32-bit entry code, linked at its physical address.
    .section .boot.text, "ax"
    .code32
    .global _start32_pvh
_start32_pvh:
    cli
    cld
    mov $BOOT_PROTO_PVH, %edi
    mov %ebx, %esi
    jmp common32

    .global _start32_mb2
_start32_mb2:
    cli
    cld
    mov $BOOT_PROTO_MB2, %edi
    mov %ebx, %esi
    cmp $0x36d76289, %eax
    je common32
    mov $msg_bad_magic, %ebx
    jmp fail32

common32:
    // Long mode available? CPUID 0x80000001 EDX bit 29.
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz no_long_mode

    lgdt boot_gdt_ptr
    mov %cr4, %eax
    or $(1 << 5), %eax                  // PAE
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               // EFER
    rdmsr
    or $(1 << 8), %eax                  // LME
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax  // PG | WP | PE
    mov %eax, %cr0
    ljmp $0x08, $long_mode_low

no_long_mode:
    mov $msg_no_long_mode, %ebx
// Print the NUL-terminated string at %ebx on COM1 and halt forever.
fail32:
    mov $0x3f8, %dx
1:  movb (%ebx), %al
    test %al, %al
    jz 2f
    outb %al, %dx
    inc %ebx
    jmp 1b
2:  hlt
    jmp 2b

    .code64
long_mode_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $higher_half, %rax
    jmp *%rax

    .section .boot.data, "aw"
msg_no_long_mode:
    .asciz "keel: this CPU does not support 64-bit long mode; halting\r\n"
msg_bad_magic:
    .asciz "keel: bad multiboot2 magic; halting\r\n"

    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            // 0x08: 64-bit code
    .quad 0x00cf92000000ffff            // 0x10: data
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

// Static boot page tables: identity map and direct map of the first 4 GiB,
// and the kernel image at -2 GiB, all with 2 MiB pages. Replaced by the
// framework's own tables (with W^X and no identity map) early in C++.
    .p2align 12
boot_pml4:
    .quad boot_pdpt_low + 0x003
    .fill 255, 8, 0
    .quad boot_pdpt_low + 0x003         // 256: DIRECT_MAP_BASE
    .fill 254, 8, 0
    .quad boot_pdpt_high + 0x003        // 511: kernel image
boot_pdpt_low:
    .quad boot_pd + 0x0000 + 0x003
    .quad boot_pd + 0x1000 + 0x003
    .quad boot_pd + 0x2000 + 0x003
    .quad boot_pd + 0x3000 + 0x003
    .fill 508, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad boot_pd + 0x0000 + 0x003      // 510: -2 GiB -> physical 0
    .quad boot_pd + 0x1000 + 0x003
boot_pd:
    .set i, 0
    .rept 2048
    .quad (i << 21) | 0x083             // present, writable, 2 MiB
    .set i, i + 1
    .endr

// ---- 64-bit higher-half code.
    .text
higher_half:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    // keel_arch_entry(u32 protocol, u32 info_phys): zero-extend both and keep
    // them in callee-saved registers while .bss (the loader may not have
    // cleared it) is zeroed.
    mov %edi, %r12d
    mov %esi, %r13d
    movabs $__bss_start, %rdi
    movabs $__bss_end, %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb
    mov %r12d, %edi
    mov %r13d, %esi
    call keel_arch_entry
1:  cli
    hlt
    jmp 1b

    .section .bss.boot_stack, "aw", @nobits
    .p2align 12
    .global boot_stack_guard
boot_stack_guard:
    .skip 4096                          // left unmapped: overflow faults
    .global boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .global boot_stack_top
boot_stack_top:
