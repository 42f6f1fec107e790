// The kernel heap behind klib::raw_alloc. Framework-private.
#pragma once

#include <klib/types.h>

namespace keel::mm {

struct HeapStats {
    u64 allocs;
    u64 frees;
    u64 failures;
    u64 bytes_in_use;
};

HeapStats heap_stats();
// Test hook: the next `n` heap allocations fail.
void inject_heap_failures(u32 n);

} // namespace keel::mm
