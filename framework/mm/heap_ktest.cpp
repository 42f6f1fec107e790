// ktests for the heap's misuse checks: they panic, and they panic without
// holding the heap lock, so the kernel (and the ktest runner) can go on.
#include "mm/heap.h"
#include <keel/ktest.h>
#include <klib/alloc.h>

namespace keel::mm {

KTEST_SHOULD_PANIC(heap_free_into_middle_of_large_block_panics, "invalid free") {
    auto* p = static_cast<u8*>(klib::raw_alloc(4 * 4096, 8)); // an order-2 block
    KASSERT(p != nullptr);
    klib::raw_free(p + 4096, 2 * 4096, 8);
}

KTEST_SHOULD_PANIC(heap_free_with_wrong_class_panics, "does not match its class") {
    auto* p = static_cast<u8*>(klib::raw_alloc(64, 8));
    KASSERT(p != nullptr);
    klib::raw_free(p + 16, 64, 8);
}

// Regression: both panics above used to fire with the heap lock held; the
// runner recovered, and the next heap allocation hit "recursive acquire".
KTEST(heap_usable_after_a_panicking_free) {
    void* small = klib::raw_alloc(64, 8);
    void* large = klib::raw_alloc(3 * 4096, 8);
    KEXPECT(small != nullptr && large != nullptr);
    klib::raw_free(small, 64, 8);
    klib::raw_free(large, 3 * 4096, 8);
}

} // namespace keel::mm
