// Kernel heap: size classes (16 B .. 2 KiB) carved from 4 KiB slab frames,
// and larger requests served directly by the frame allocator (power-of-two
// frame blocks). Every failure is returned to the caller as nullptr.
#include "mm/heap.h"

#include "mm/frame_allocator.h"
#include "mm/kernel_space.h"
#include "mm/phys.h"
#include <keel/panic.h>
#include <keel/sync/spinlock.h>
#include <klib/alloc.h>

namespace keel::mm {

namespace {

constexpr usize NUM_CLASSES = 8;
constexpr usize CLASS_SIZES[NUM_CLASSES] = {16, 32, 64, 128, 256, 512, 1024, 2048};

struct FreeObject {
    FreeObject* next;
};

struct Heap {
    FreeObject* free_lists[NUM_CLASSES] = {};
    HeapStats stats = {};
    u32 inject = 0;
};

SpinLock<Heap, IrqOff> g_heap;

int class_for(usize size, usize align) {
    usize need = size > align ? size : align;
    for (usize i = 0; i < NUM_CLASSES; ++i) {
        // Classes are powers of two and objects are class-aligned in a
        // page-aligned slab, so any align <= class size is satisfied.
        if (need <= CLASS_SIZES[i]) {
            return int(i);
        }
    }
    return -1;
}

// Blocks up to this size come physically contiguous from the buddy
// allocator; larger ones from vmalloc_pages().
constexpr usize MAX_CONTIGUOUS = 256 * 1024;

u32 order_for(usize size) {
    u64 pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    u32 o = 0;
    while ((u64(1) << o) < pages) {
        ++o;
    }
    return o;
}

bool refill(Heap& h, int cls) {
    auto frame = alloc_frames(0, FrameUse::Heap);
    if (!frame.has_value()) {
        return false;
    }
    // SAFETY: a fresh Heap frame, direct-mapped, owned by the heap from now
    // on; it is cut into class-sized objects linked through their first word.
    u8* base = phys_ptr<u8>(frame.value());
    const usize sz = CLASS_SIZES[cls];
    for (usize off = 0; off + sz <= PAGE_SIZE; off += sz) {
        auto* obj = reinterpret_cast<FreeObject*>(base + off);
        obj->next = h.free_lists[cls];
        h.free_lists[cls] = obj;
    }
    return true;
}

} // namespace

HeapStats heap_stats() {
    return g_heap.with([](Heap& h) { return h.stats; });
}

void inject_heap_failures(u32 n) {
    g_heap.with([&](Heap& h) { h.inject = n; });
}

void* heap_alloc(usize size, usize align) {
    if (size == 0) {
        size = 1;
    }
    if (align == 0 || (align & (align - 1)) != 0 || align > PAGE_SIZE || size > (usize(1) << 30)) {
        return nullptr;
    }
    return g_heap.with([&](Heap& h) -> void* {
        if (h.inject > 0) {
            --h.inject;
            ++h.stats.failures;
            return nullptr;
        }
        int cls = class_for(size, align);
        void* p = nullptr;
        if (cls >= 0) {
            if (h.free_lists[cls] == nullptr && !refill(h, cls)) {
                ++h.stats.failures;
                return nullptr;
            }
            FreeObject* obj = h.free_lists[cls];
            h.free_lists[cls] = obj->next;
            p = obj;
            // Objects never carry stale data from a previous owner.
            __builtin_memset(p, 0, CLASS_SIZES[cls]);
            h.stats.bytes_in_use += CLASS_SIZES[cls];
        } else if (size <= MAX_CONTIGUOUS) {
            auto f = alloc_frames(order_for(size), FrameUse::Heap);
            if (!f.has_value()) {
                ++h.stats.failures;
                return nullptr;
            }
            p = phys_ptr<u8>(f.value());
            __builtin_memset(p, 0, PAGE_SIZE << order_for(size));
            h.stats.bytes_in_use += PAGE_SIZE << order_for(size);
        } else {
            // Large blocks need no physical contiguity: scattered frames
            // mapped together (no fragmentation limit, no 4 MiB cap).
            const usize pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
            auto va = vmalloc_pages(pages);
            if (va.is_err()) {
                ++h.stats.failures;
                return nullptr;
            }
            p = reinterpret_cast<void*>(va.value());
            __builtin_memset(p, 0, pages * PAGE_SIZE);
            h.stats.bytes_in_use += pages * PAGE_SIZE;
        }
        ++h.stats.allocs;
        return p;
    });
}

void heap_free(void* p, usize size, usize align) {
    if (p == nullptr) {
        return;
    }
    if (size == 0) {
        size = 1;
    }
    u64 va = u64(p);
    if (vmalloc_contains(va)) {
        const usize pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
        // A block starts on a page right above its guard page and is
        // mapped to its end: anything else is not a block we handed out.
        if (size <= MAX_CONTIGUOUS || (va & (PAGE_SIZE - 1)) != 0 ||
            kernel_query(va - PAGE_SIZE).has_value() ||
            !kernel_query(va + (pages - 1) * PAGE_SIZE).has_value()) {
            panic("heap: free of {:#x} size {} does not match a large block", va, size);
        }
        vfree_pages(va, pages);
        g_heap.with([&](Heap& h) {
            h.stats.bytes_in_use -= pages * PAGE_SIZE;
            ++h.stats.frees;
        });
        return;
    }
    if (va < DIRECT_MAP_BASE || virt_to_phys_direct(va) >= max_phys() ||
        frame_use(virt_to_phys_direct(va)) != FrameUse::Heap) {
        panic("heap: free of {:#x}, which is not heap memory", va);
    }
    // Every check panics before the heap lock is taken: a panic must not
    // leave the lock held (the ktest runner recovers from panics).
    const int cls = class_for(size, align);
    if (cls >= 0) {
        if (va % CLASS_SIZES[cls] != 0) {
            panic("heap: free of {:#x} with size {} does not match its class", va, size);
        }
        g_heap.with([&](Heap& h) {
            auto* obj = static_cast<FreeObject*>(p);
            obj->next = h.free_lists[cls];
            h.free_lists[cls] = obj;
            h.stats.bytes_in_use -= CLASS_SIZES[cls];
            ++h.stats.frees;
        });
    } else {
        const u32 order = order_for(size);
        // free_frames() panics on anything but the head of a block of
        // exactly this order (a pointer into the middle, a wrong size).
        free_frames(virt_to_phys_direct(va), order);
        g_heap.with([&](Heap& h) {
            h.stats.bytes_in_use -= PAGE_SIZE << order;
            ++h.stats.frees;
        });
    }
}

} // namespace keel::mm

// klib's allocation hooks: the only way containers get memory.
void* klib::raw_alloc(usize size, usize align) noexcept {
    return keel::mm::heap_alloc(size, align);
}
void klib::raw_free(void* p, usize size, usize align) noexcept {
    keel::mm::heap_free(p, size, align);
}
