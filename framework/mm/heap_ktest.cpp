// ktests for the heap's misuse checks: they panic, and they panic without
// holding the heap lock, so the kernel (and the ktest runner) can go on.
#include "mm/frame_allocator.h"
#include "mm/heap.h"
#include "mm/kernel_space.h"
#include "mm/phys.h"
#include <klib/vec.h>
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

namespace keel::mm {

KTEST(heap_large_blocks_come_from_scattered_frames) {
    const u64 free_before = free_bytes();
    // 24 MiB: far beyond the largest buddy block (4 MiB).
    const usize size = 24u << 20;
    u8* p = static_cast<u8*>(klib::raw_alloc(size, 8));
    KASSERT(p != nullptr);
    KEXPECT(vmalloc_contains(u64(p)));
    KEXPECT(!kernel_query(u64(p) - PAGE_SIZE).has_value()); // guard page
    for (usize off = 0; off < size; off += PAGE_SIZE) {
        KASSERT(p[off] == 0); // zeroed
        p[off] = u8(off >> 12);
    }
    p[size - 1] = 0x5a;
    for (usize off = 0; off < size; off += PAGE_SIZE) {
        KASSERT(p[off] == u8(off >> 12));
    }
    klib::raw_free(p, size, 8);
    KEXPECT(!kernel_query(u64(p)).has_value());
    KEXPECT_EQ(free_bytes(), free_before);
}

KTEST(heap_large_vec_grows_past_four_mib) {
    klib::Vec<u64> v;
    for (u64 i = 0; i < (8u << 20) / sizeof(u64); ++i) {
        KASSERT(v.try_push(i).is_ok());
    }
    KEXPECT_EQ(v[v.size() - 1], u64((8u << 20) / sizeof(u64) - 1));
}

KTEST_SHOULD_PANIC(heap_large_block_wrong_size_free_panics, "does not match a large block") {
    const usize size = 1u << 20;
    void* p = klib::raw_alloc(size, 8);
    KASSERT(p != nullptr);
    klib::raw_free(static_cast<u8*>(p) + PAGE_SIZE, size - PAGE_SIZE, 8);
}

} // namespace keel::mm
