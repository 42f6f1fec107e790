// Panic path internals shared by traps, the ktest runner and panic().
#pragma once

#include <klib/string_view.h>
#include <klib/types.h>

namespace keel::debug {

// Prints a symbolized backtrace starting from frame pointer `rbp`, with
// `rip` as the first frame when non-zero.
void print_backtrace(u64 rip, u64 rbp);

// The trap handler already printed the trapped context's backtrace; the
// panic that follows need not print its own.
void trap_backtrace_printed();

// Resets panic bookkeeping after the ktest runner recovered from a panic.
void panic_recovered();

// Looks up the function containing `addr`; returns false if unknown.
struct Symbol {
    u64 addr;
    klib::StringView name;
};
bool symbolize(u64 addr, Symbol& out);

} // namespace keel::debug
