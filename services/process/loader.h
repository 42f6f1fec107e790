// execve's ELF loader: an executable (and the interpreter its PT_INTERP
// names) into a new address space with the initial stack in place. The
// files are page caches: segments become private file mappings of them
// (pages read on first touch, shared until written), so the loader never
// reads a file whole, and it does not know the VFS (exec.h opens files).
#pragma once

#include "../fs/types.h"
#include "../mm/address_space.h"
#include "stack.h"
#include <klib/array.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::process {

// Reads bytes [offset, offset + out.size()) of `file` (OutOfRange past its
// end; the fill's errors).
klib::Result<void> read_file(const mm::PageCache& file, u64 offset, klib::Span<u8> out);

// A loaded program, not yet running: everything execve swaps in.
struct Loaded {
    explicit Loaded(mm::AddressSpace&& s) : space(klib::move(s)) {}
    mm::AddressSpace space;
    u64 entry = 0;       // where user mode starts (the interpreter's entry if any)
    u64 sp = 0;          // the initial stack pointer
    u64 brk = 0;         // the program break: the end of the program's image
    u64 interp_base = 0; // AT_BASE (0: no interpreter)
    klib::Array<u8, 16> comm{}; // the task name (exec.cpp fills it)
};

// Opens the interpreter a PT_INTERP names, as open_exec does.
using OpenInterp =
    klib::FunctionRef<klib::Result<klib::Arc<mm::PageCache>, fs::Errno>(klib::StringView path)>;

// Where ET_DYN programs go (Linux's ELF_ET_DYN_BASE with no
// randomisation): PIEs and static-pie. Interpreters go top-down below
// MMAP_TOP, as Linux maps them.
constexpr u64 DYN_BASE = 0x0000555555554000ull;

// Loads the ELF executable `file`. Errors: ENOEXEC (not a valid ELF
// executable), the interpreter's open errors, EIO (the interpreter is
// shorter than an ELF header), ELIBBAD (the interpreter is not a valid ELF
// file), EINVAL (segments that cannot be placed), E2BIG
// (arguments and environment too large), ENOMEM. Nothing outside the new
// space is changed.
// `argv`, `envp` and `execfn` (AT_EXECFN) go on the new stack; `cred`
// gives AT_UID/AT_GID.
klib::Result<Loaded, fs::Errno> load_elf(const klib::Arc<mm::PageCache>& file, OpenInterp open_interp,
                                         const klib::Vec<klib::String>& argv,
                                         const klib::Vec<klib::String>& envp,
                                         klib::StringView execfn, const fs::Cred& cred);

} // namespace services::process
