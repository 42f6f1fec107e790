// execve's core: an ELF executable into a fresh process.
#pragma once

#include "process.h"
#include <klib/box.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::process {

// A program loaded into a new address space, ready to run.
struct Loaded {
    klib::Arc<mm::AddressSpace> space;
    u64 entry = 0; // the first user rip
    u64 sp = 0;    // the first user rsp (argc)
    u64 brk = 0;   // the end of the image, page-aligned: brk's start
};

// Loads a static executable (ET_EXEC, or ET_DYN without an interpreter,
// i.e. static-pie) into a new address space with the initial stack in
// place. Errors: InvalidArgument/OutOfRange (malformed ELF), Unsupported
// (needs an interpreter), NoMemory.
klib::Result<Loaded> load(klib::Span<const u8> file,
                                      const klib::Vec<klib::String>& argv,
                                      const klib::Vec<klib::String>& envp);

} // namespace services::process
