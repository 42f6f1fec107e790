// execve's core: an ELF executable into a fresh process.
#pragma once

#include "process.h"
#include <klib/box.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::process {

// Loads a static executable (ET_EXEC, or ET_DYN without an interpreter,
// i.e. static-pie) into a new address space with the initial stack in
// place. Errors: InvalidArgument/OutOfRange (malformed ELF), Unsupported
// (needs an interpreter), NoMemory.
klib::Result<klib::Box<Process>> load(klib::Span<const u8> file,
                                      const klib::Vec<klib::String>& argv,
                                      const klib::Vec<klib::String>& envp);

} // namespace services::process
