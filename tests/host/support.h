// tests/host/support.h - host-test hooks into klib's environment functions
// (klib::fail, klib::raw_alloc/raw_free) defined in support.cpp.
#pragma once

namespace klib_test {

// Makes the next `n` calls to klib::raw_alloc return nullptr.
void fail_next_allocs(int n);
// Lets `skip` allocations succeed, then fails the following `n`.
void fail_allocs_after(int skip, int n);
// Number of raw_alloc blocks currently live (allocated and not freed).
long live_allocs();
// Total successful raw_alloc calls since start.
long total_allocs();

} // namespace klib_test
