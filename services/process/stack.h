// The initial user stack of a new program, laid out as Linux's execve does
// (System V x86-64 ABI, section 3.4.1): argc, argv[], NULL, envp[], NULL,
// auxv pairs ending in AT_NULL, then the platform string, the AT_RANDOM
// bytes and, at the top, the argument and environment strings and the
// file name (AT_EXECFN).
#pragma once

#include "../mm/address_space.h"
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::process {

// What the auxiliary vector tells the new program.
struct ImageInfo {
    u64 entry{};  // AT_ENTRY: the program's entry (not the interpreter's)
    u64 phdr{};   // AT_PHDR: user address of the program headers
    u64 phnum{};  // AT_PHNUM
    u64 base = 0; // AT_BASE: the interpreter's load address (0 if none)
    u64 vdso = 0; // AT_SYSINFO_EHDR: the vDSO image (0: none)
    u32 uid = 0;  // AT_UID, AT_EUID
    u32 gid = 0;  // AT_GID, AT_EGID
};

constexpr u64 STACK_TOP = 0x00007ffffffff000ull;
// The stack area: 64 MiB below STACK_TOP (all that fits above the vDSO),
// pages made on touch. The stack may use of it only what the current
// RLIMIT_STACK soft limit allows (growth_past_stack_limit): Linux grows its
// stack on touch up to that limit, inside its 128 MiB mmap_base gap.
constexpr u64 STACK_SIZE = 64ull << 20;
// mmap's area ends 128 MiB below the stack top, as Linux's mmap_base.
constexpr u64 MMAP_TOP = STACK_TOP - (128ull << 20);
// The heap (brk) may grow this far past the image.
constexpr u64 BRK_LIMIT = 64ull << 20;

// execve's limits on arguments and environment (Linux's): one string may
// be 32 pages (MAX_ARG_STRLEN, its NUL included); all strings with their
// pointers may use a quarter of the stack limit (at least 32 pages, at
// most 6 MiB).
constexpr u64 MAX_ARG_STRLEN = 32 * 4096;
constexpr u64 MAX_ARG_STRINGS = 0x7fffffff;
// The room for strings and pointers (E2BIG past it).
u64 arg_space_limit(u64 stack_limit);
// AT_MINSIGSTKSZ: the signal frame the kernel builds (the `signals`
// helper's frame size; 2048 until it is known).
constexpr u64 MIN_SIGSTKSZ = 2048;

// Maps the stack into `space` and writes the initial contents; returns the
// initial rsp. Overflow when the strings and pointers exceed
// arg_space_limit(RLIM_INFINITY) (E2BIG; execve checks the caller's
// RLIMIT_STACK bound before).
klib::Result<u64> build_stack(const mm::AddressSpace& space, const klib::Vec<klib::String>& argv,
                              const klib::Vec<klib::String>& envp, klib::StringView execfn,
                              const ImageInfo& info);

// Whether a touch of the not-present page holding `addr` must fail with
// SIGSEGV because the stack would grow past `limit` bytes (the current
// RLIMIT_STACK soft limit; Linux's acct_stack_growth: the stack from its top
// down to that page would be larger than the limit). False for addresses
// outside the stack area.
bool growth_past_stack_limit(u64 addr, u64 limit);

// Creates the stack area [STACK_TOP - STACK_SIZE, STACK_TOP) (lazy).
klib::Result<void> map_stack(const mm::AddressSpace& space);

} // namespace services::process
