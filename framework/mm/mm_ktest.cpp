// ktests for frames, the buddy allocator, the heap, page tables and W^X.
#include "arch/x86_64/init.h"
#include "mm/frame_allocator.h"
#include "mm/heap.h"
#include "mm/kernel_space.h"
#include "mm/phys.h"
#include <keel/ktest.h>
#include <keel/mm/frame.h>
#include <keel/panic.h>
#include <klib/alloc.h>
#include <klib/vec.h>

namespace keel::mm {
namespace {

bool all_zero(u64 pa, u64 len) {
    const u8* p = phys_ptr<const u8>(pa);
    for (u64 i = 0; i < len; ++i) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

// A scratch virtual address in the kernel-stack area's far end, unused by
// the allocator of stacks (which grows up from the base).
constexpr u64 SCRATCH_VA = KSTACK_AREA_BASE + (1ull << 38);

u64 xorshift(u64& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

} // namespace

KTEST(frame_alloc_is_zero_filled) {
    auto f = alloc_frames(0, FrameUse::Untyped);
    KASSERT(f.has_value());
    __builtin_memset(phys_ptr<u8>(f.value()), 0xab, PAGE_SIZE);
    free_frames(f.value(), 0);
    // The allocator hands out the most recently freed block first.
    auto g = alloc_frames(0, FrameUse::Untyped);
    KASSERT(g.has_value());
    KEXPECT(all_zero(g.value(), PAGE_SIZE));
    free_frames(g.value(), 0);
}

KTEST(frame_alloc_exhaustion_and_full_recovery) {
    const u64 before = free_bytes();
    // Take every 4 MiB block, then every smaller block, until nothing is left.
    static u64 blocks[4096];
    static u32 orders[4096];
    usize n = 0;
    for (u32 order = MAX_ORDER; order + 1 > 0 && n < 4096; --order) {
        while (n < 4096) {
            auto f = alloc_frames(order, FrameUse::Heap); // Heap: skip zeroing, faster
            if (!f.has_value()) {
                break;
            }
            blocks[n] = f.value();
            orders[n] = order;
            ++n;
        }
    }
    KEXPECT_EQ(free_bytes(), u64(0));
    KEXPECT(!alloc_frames(0, FrameUse::Untyped).has_value());
    for (usize i = 0; i < n; ++i) {
        free_frames(blocks[i], orders[i]);
    }
    KEXPECT_EQ(free_bytes(), before);
}

KTEST(buddy_blocks_are_aligned_and_merge_back) {
    const u64 before = free_bytes();
    auto a = alloc_frames(3, FrameUse::Untyped);
    auto b = alloc_frames(0, FrameUse::Untyped);
    KASSERT(a.has_value() && b.has_value());
    KEXPECT_EQ(a.value() % (8 * PAGE_SIZE), u64(0));
    KEXPECT_EQ(free_bytes(), before - 9 * PAGE_SIZE);
    free_frames(b.value(), 0);
    free_frames(a.value(), 3);
    KEXPECT_EQ(free_bytes(), before);
}

KTEST_SHOULD_PANIC(frame_double_free_is_detected, "double free") {
    auto f = alloc_frames(0, FrameUse::Untyped);
    KASSERT(f.has_value());
    free_frames(f.value(), 0);
    free_frames(f.value(), 0);
}

KTEST(frame_injected_failure_returns_none) {
    inject_frame_failures(1);
    KEXPECT(!alloc_frames(0, FrameUse::Untyped).has_value());
    auto f = alloc_frames(0, FrameUse::Untyped);
    KEXPECT(f.has_value());
    if (f.has_value()) {
        free_frames(f.value(), 0);
    }
}

KTEST(frame_handle_refcount_and_release) {
    const u64 before = free_bytes();
    {
        auto f = Frame::alloc();
        KASSERT(f.is_ok());
        Frame a = f.release_value();
        KEXPECT_EQ(a.ref_count(), 1u);
        {
            Frame b = a.clone();
            KEXPECT_EQ(a.ref_count(), 2u);
            KEXPECT_EQ(b.paddr(), a.paddr());
        }
        KEXPECT_EQ(a.ref_count(), 1u);
        KEXPECT(frame_use(a.paddr()) == FrameUse::Untyped);
    }
    KEXPECT_EQ(free_bytes(), before);
}

KTEST(frame_handle_bounds_checked_access) {
    auto f = Frame::alloc();
    KASSERT(f.is_ok());
    Frame fr = f.release_value();
    KEXPECT(fr.write_val<u64>(4088, 0x1122334455667788ull).is_ok());
    auto v = fr.read_val<u64>(4088);
    KASSERT(v.is_ok());
    KEXPECT_EQ(v.value(), 0x1122334455667788ull);
    KEXPECT(fr.write_val<u64>(4089, 1).error() == klib::Error::OutOfRange);
    KEXPECT(fr.read_val<u32>(usize(-2)).error() == klib::Error::OutOfRange);
    u8 buf[16] = {};
    KEXPECT(fr.read_bytes(4090, klib::Span<u8>(buf)).error() == klib::Error::OutOfRange);
}

KTEST(frame_lend_views_the_frame_in_place) {
    auto f = Frame::alloc();
    KASSERT(f.is_ok());
    Frame fr = f.release_value();
    KEXPECT(fr.lend_mut(4000, 96, [](klib::Span<u8> s) {
                  for (usize i = 0; i < s.size(); ++i) {
                      s[i] = u8(i + 1);
                  }
              }).is_ok());
    // A second handle sees the bytes written through the first's view.
    Frame other = fr.clone();
    usize seen = 0;
    u32 sum = 0;
    KEXPECT(other.lend(4000, 96, [&](klib::Span<const u8> s) {
                     seen = s.size();
                     for (u8 b : s) {
                         sum += b;
                     }
                 }).is_ok());
    KEXPECT_EQ(seen, usize(96));
    KEXPECT_EQ(sum, u32(96 * 97 / 2));
    auto v = fr.read_val<u8>(4095);
    KEXPECT(v.is_ok() && v.value() == 96);
    // Out of range: refused, and the callback never runs.
    bool called = false;
    KEXPECT(fr.lend(4000, 97, [&](klib::Span<const u8>) { called = true; }).error() ==
            klib::Error::OutOfRange);
    KEXPECT(fr.lend_mut(usize(-1), 2, [&](klib::Span<u8>) { called = true; }).error() ==
            klib::Error::OutOfRange);
    KEXPECT(!called);
}

KTEST(segment_contiguous_and_refcounted) {
    const u64 before = free_bytes();
    {
        auto s = Segment::alloc(5);
        KASSERT(s.is_ok());
        Segment seg = s.release_value();
        KEXPECT_EQ(seg.size(), usize(5 * 4096));
        u8 pattern[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        KEXPECT(seg.write_bytes(5 * 4096 - 8, klib::Span<const u8>(pattern)).is_ok());
        KEXPECT(seg.write_bytes(5 * 4096 - 7, klib::Span<const u8>(pattern)).is_err());
        Segment c = seg.clone();
        KEXPECT_EQ(seg.ref_count(), 2u);
    }
    KEXPECT_EQ(free_bytes(), before);
    KEXPECT(Segment::alloc(0).is_err());
}

KTEST(heap_size_classes_alignment_and_reuse) {
    const usize sizes[] = {1, 8, 16, 17, 100, 256, 1000, 2048, 2049, 5000, 70000};
    void* ptrs[11];
    for (usize i = 0; i < 11; ++i) {
        ptrs[i] = klib::raw_alloc(sizes[i], 8);
        KASSERT(ptrs[i] != nullptr);
        KEXPECT_EQ(u64(ptrs[i]) % 8, u64(0));
        __builtin_memset(ptrs[i], int(i), sizes[i]);
    }
    for (usize i = 0; i < 11; ++i) {
        const u8* p = static_cast<const u8*>(ptrs[i]);
        KEXPECT(p[0] == u8(i) && p[sizes[i] - 1] == u8(i));
        klib::raw_free(ptrs[i], sizes[i], 8);
    }
    void* big_align = klib::raw_alloc(64, 4096);
    KEXPECT(big_align != nullptr && u64(big_align) % 4096 == 0);
    klib::raw_free(big_align, 64, 4096);
    KEXPECT(klib::raw_alloc(16, 3) == nullptr); // not a power of two
}

KTEST(heap_stress_random_sizes_with_injected_failures) {
    struct Slot {
        u8* p;
        usize size;
        u8 tag;
    };
    static Slot slots[256];
    const HeapStats start = heap_stats();
    u64 seed = 0x9e3779b97f4a7c15ull;
    usize injected = 0;
    for (int round = 0; round < 4000; ++round) {
        Slot& s = slots[xorshift(seed) % 256];
        if (s.p != nullptr) {
            for (usize i = 0; i < s.size; i += 61) {
                if (s.p[i] != s.tag) {
                    panic("heap stress: corruption at {:#x}", u64(s.p + i));
                }
            }
            klib::raw_free(s.p, s.size, 8);
            s.p = nullptr;
            continue;
        }
        if (round % 97 == 0) {
            inject_heap_failures(1);
            ++injected;
            KEXPECT(klib::raw_alloc(32, 8) == nullptr);
        }
        s.size = 1 + xorshift(seed) % (xorshift(seed) % 8 == 0 ? 20000 : 600);
        s.tag = u8(round);
        s.p = static_cast<u8*>(klib::raw_alloc(s.size, 8));
        KASSERT(s.p != nullptr);
        __builtin_memset(s.p, s.tag, s.size);
    }
    for (Slot& s : slots) {
        if (s.p != nullptr) {
            klib::raw_free(s.p, s.size, 8);
            s.p = nullptr;
        }
    }
    const HeapStats end = heap_stats();
    KEXPECT_EQ(end.bytes_in_use, start.bytes_in_use);
    KEXPECT_EQ(end.failures - start.failures, u64(injected));
    KEXPECT_EQ(end.allocs - start.allocs, end.frees - start.frees);
}

KTEST(heap_failure_reaches_container_as_nomemory) {
    klib::Vec<u64> v;
    KASSERT(v.try_push(1).is_ok());
    inject_heap_failures(1);
    // Growing needs a new buffer: it fails, and the vector is unchanged.
    auto r = v.try_reserve(1000);
    KEXPECT(r.is_err() && r.error() == klib::Error::NoMemory);
    KEXPECT_EQ(v.size(), usize(1));
    KEXPECT_EQ(v[0], u64(1));
}

KTEST_SHOULD_PANIC(heap_free_of_non_heap_memory_panics, "not heap memory") {
    static u64 not_heap[4];
    klib::raw_free(not_heap, sizeof(not_heap), 8);
}

KTEST(page_table_map_query_protect_unmap) {
    auto f = alloc_frames(0, FrameUse::Untyped);
    KASSERT(f.has_value());
    const u64 nx = arch::features().nx ? pte::NX : 0;
    KASSERT(kernel_map_page(SCRATCH_VA, f.value(), pte::WRITE | nx).is_ok());
    KEXPECT(kernel_map_page(SCRATCH_VA, f.value(), pte::WRITE).error() == klib::Error::Exists);
    auto m = kernel_query(SCRATCH_VA + 123);
    KASSERT(m.has_value());
    KEXPECT_EQ(m.value().phys, f.value());
    KEXPECT((m.value().flags & pte::WRITE) != 0);
    // Writes through the new mapping land in the frame (seen via direct map).
    *reinterpret_cast<volatile u64*>(SCRATCH_VA + 8) = 0x5eed;
    KEXPECT_EQ(*phys_ptr<u64>(f.value() + 8), u64(0x5eed));
    KASSERT(kernel_protect(SCRATCH_VA, nx).is_ok());
    KEXPECT((kernel_query(SCRATCH_VA).value().flags & pte::WRITE) == 0);
    auto un = kernel_unmap_page(SCRATCH_VA);
    KEXPECT(un.is_ok() && un.value().phys == f.value());
    KEXPECT(!kernel_query(SCRATCH_VA).has_value());
    KEXPECT(kernel_unmap_page(SCRATCH_VA).error() == klib::Error::NotFound);
    free_frames(f.value(), 0);
}

KTEST_SHOULD_PANIC(page_table_write_to_readonly_page_faults, "page fault: write") {
    auto f = alloc_frames(0, FrameUse::Untyped);
    KASSERT(f.has_value());
    KASSERT(kernel_map_page(SCRATCH_VA + 0x1000, f.value(), pte::NX).is_ok());
    *reinterpret_cast<volatile u64*>(SCRATCH_VA + 0x1000) = 1;
}

KTEST(wx_image_sections_have_expected_permissions) {
    auto text = kernel_query(u64(__text_start));
    auto ro = kernel_query(u64(__rodata_start));
    auto data = kernel_query(u64(__data_start));
    KASSERT(text.has_value() && ro.has_value() && data.has_value());
    KEXPECT((text.value().flags & (pte::WRITE | pte::NX)) == 0);
    KEXPECT((ro.value().flags & pte::WRITE) == 0);
    KEXPECT((data.value().flags & pte::WRITE) != 0);
    if (arch::features().nx) {
        KEXPECT((ro.value().flags & pte::NX) != 0);
        KEXPECT((data.value().flags & pte::NX) != 0);
        KEXPECT((kernel_query(phys_to_virt(0x200000)).value().flags & pte::NX) != 0);
    }
    // Every page of every section, not only the first.
    for (u64 va = u64(__text_start); va < u64(__text_end); va += PAGE_SIZE) {
        auto m = kernel_query(va);
        KASSERT(m.has_value());
        KEXPECT((m.value().flags & pte::WRITE) == 0);
    }
}

KTEST_SHOULD_PANIC(wx_write_to_kernel_text_faults, "page fault: write") {
    // A write to our own code must fault (CR0.WP makes it fault in ring 0).
    volatile u8* code = reinterpret_cast<volatile u8*>(u64(__text_start) + ktest::opaque(0x10));
    *code = 0x90;
}

KTEST_SHOULD_PANIC(wx_jump_into_heap_faults, "instruction fetch") {
    if (!arch::features().nx) {
        panic("page fault: instruction fetch (NX unsupported: simulated)");
    }
    u8* mem = static_cast<u8*>(klib::raw_alloc(64, 16));
    KASSERT(mem != nullptr);
    mem[0] = 0xc3; // ret
    auto fn = reinterpret_cast<void (*)()>(mem);
    fn();
}

KTEST(null_page_and_low_memory_unmapped) {
    KEXPECT(!kernel_query(0).has_value());
    KEXPECT(!kernel_query(0x1000).has_value());
    KEXPECT(!kernel_query(0x100000).has_value()); // the old identity map is gone
}

[[gnu::noinline]] void ktest_fault_victim_reads_null() {
    volatile u64* p = reinterpret_cast<volatile u64*>(ktest::opaque(0x10));
    (void)*p;
}

KTEST_SHOULD_PANIC(unmapped_access_panics_with_symbolized_backtrace,
                   "ktest_fault_victim_reads_null") {
    ktest_fault_victim_reads_null();
}

KTEST(boot_stack_guard_page_unmapped) {
    KEXPECT(!kernel_query(u64(boot_stack_guard)).has_value());
    KEXPECT(kernel_query(u64(boot_stack_bottom)).has_value());
}

KTEST(kernel_stacks_have_guard_pages) {
    auto top = alloc_kernel_stack(2);
    KASSERT(top.is_ok());
    u64 t = top.value();
    KEXPECT(kernel_query(t - PAGE_SIZE).has_value());
    KEXPECT(kernel_query(t - 2 * PAGE_SIZE).has_value());
    KEXPECT(!kernel_query(t - 3 * PAGE_SIZE).has_value()); // guard
    KEXPECT((kernel_query(t - PAGE_SIZE).value().flags & pte::WRITE) != 0);
}

[[gnu::noinline]] u64 ktest_recurse_forever(u64 depth) {
    volatile u8 pad[512];
    pad[0] = u8(depth);
    if (ktest::opaque(depth) == ~u64(0)) {
        return 0;
    }
    return ktest_recurse_forever(depth + 1) + pad[0];
}

// Overflowing the boot stack runs into its unmapped guard page; the CPU
// cannot push the #PF frame there, so it raises a double fault, which runs
// on its own IST stack and reports instead of triple-faulting.
KTEST_SHOULD_PANIC(stack_overflow_hits_guard_page, "double fault") {
    ktest_recurse_forever(0);
}

KTEST(direct_map_covers_all_usable_memory) {
    KEXPECT(kernel_query(phys_to_virt(max_phys() - PAGE_SIZE)).has_value());
    KEXPECT(kernel_query(phys_to_virt(0x100000)).has_value());
}

} // namespace keel::mm
