// The vDSO every process gets (services/vdso/vdso.c, built by mk/vdso.mk and
// carried in the kernel as data): the vvar page the kernel writes and the
// read+exec image the C library finds through AT_SYSINFO_EHDR.
#pragma once

#include "../mm/address_space.h"
#include <keel/mm/vm_space.h>
#include <klib/result.h>

namespace services::vdso {

// Fixed user addresses, between the mmap area (below STACK_TOP - 128 MiB)
// and the stack (the top 128 KiB): vvar, then the image right above it
// (the image reaches vvar at "its own address - 4096", vdso.lds).
constexpr u64 VVAR = 0x00007ffffbffd000ull;
constexpr u64 IMAGE = VVAR + keel::VmSpace::PAGE;
constexpr u64 END = IMAGE + keel::VmSpace::PAGE;

// The vvar page, as vdso.c reads it (u64 each).
struct VvarLayout {
    static constexpr usize SEQ = 0;      // even: stable; odd: being written
    static constexpr usize TSC_BASE = 8; // keel::tsc_clock().base
    static constexpr usize TSC_HZ = 16;  // keel::tsc_clock().hz (0: use the syscall)
    static constexpr usize FLAGS = 24;   // bit 0: rdtscp gives the CPU (getcpu)
};

// Maps the vvar page (read-only) and the image (read+exec) at VVAR/IMAGE
// into `space`: private mappings of one PageCache whose two frames every
// process shares (a write, after mprotect, copies: the shared pages never
// change from user mode); returns the image address for AT_SYSINFO_EHDR.
// Errors: NoMemory, Exists (something mapped there).
klib::Result<u64> map_into(const mm::AddressSpace& space);

} // namespace services::vdso
