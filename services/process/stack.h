// The initial user stack of a new program, laid out as Linux's execve does
// (System V x86-64 ABI, section 3.4.1): argc, argv[], NULL, envp[], NULL,
// auxv pairs ending in AT_NULL, then the strings and AT_RANDOM bytes.
#pragma once

#include "../mm/address_space.h"
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::process {

struct ImageInfo {
    u64 entry{};    // AT_ENTRY
    u64 phdr{};     // AT_PHDR: user address of the program headers
    u64 phnum{};    // AT_PHNUM
    u64 base = 0; // AT_BASE: the interpreter's load address (0 if none)
    u64 vdso = 0; // AT_SYSINFO_EHDR: the vDSO image (0: none)
};

constexpr u64 STACK_TOP = 0x00007ffffffff000ull;
// The stack area: 8 MiB (Linux's default RLIMIT_STACK), pages made on touch.
constexpr u64 STACK_SIZE = 8ull << 20;
// mmap's area ends 128 MiB below the stack top, as Linux's mmap_base.
constexpr u64 MMAP_TOP = STACK_TOP - (128ull << 20);
// The heap (brk) may grow this far past the image.
constexpr u64 BRK_LIMIT = 64ull << 20;

// Maps the stack into `space` and writes the initial contents; returns the
// initial rsp. E2BIG-style limits: at most 64 KiB of strings.
klib::Result<u64> build_stack(const mm::AddressSpace& space, const klib::Vec<klib::String>& argv,
                              const klib::Vec<klib::String>& envp, const ImageInfo& info);

// Creates the stack area [STACK_TOP - STACK_SIZE, STACK_TOP) (lazy).
klib::Result<void> map_stack(const mm::AddressSpace& space);

} // namespace services::process
