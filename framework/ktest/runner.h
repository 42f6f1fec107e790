// The ktest runner. Framework-private.
#pragma once

#include <klib/string_view.h>

namespace keel::ktest {

// Runs the tests whose names match `filter` (a glob; empty = all), prints the
// summary and exits QEMU with success or failure. Never returns.
[[noreturn]] void run_all(klib::StringView filter);

// Runs the KBENCH entries matching `filter`, then exits QEMU. Never returns.
[[noreturn]] void run_benches(klib::StringView filter);

// Called by panic(): if a test is running, ends it (recovering the runner's
// context) instead of stopping the machine. Returns only when no test runs.
void on_panic();

} // namespace keel::ktest
