#include "mm/frame_allocator.h"

#include "boot/boot_info.h"
#include "mm/direct_map.h"
#include "mm/phys.h"
#include <keel/log.h>
#include <keel/panic.h>
#include <keel/sync/spinlock.h>

namespace keel::mm {

namespace {

SpinLock<BuddyAllocator, IrqOff> g_buddy;
u64 g_max_phys = 0;
u32 g_inject = 0;
u32 g_inject_after = 0; // successful allocations before the injected failures

// Frames below 1 MiB hold BIOS data, the EBDA and real-mode structures.
constexpr u64 LOW_RESERVED = 0x100000;
// Enough to run the kernel's own tests; below this the boot stops cleanly.
constexpr u64 MIN_USABLE = 24ull << 20;
// The boot page tables only map the first 4 GiB.
constexpr u64 BOOT_MAPPED = 4ull << 30;

u64 align_up(u64 v, u64 a) {
    return (v + a - 1) & ~(a - 1);
}
u64 align_down(u64 v, u64 a) {
    return v & ~(a - 1);
}

bool overlaps(u64 a0, u64 a1, u64 b0, u64 b1) {
    return a0 < b1 && b0 < a1;
}

// Ranges that must never be handed out.
struct Range {
    u64 start, end;
};

Range g_bad[3 + 1 + boot::MAX_REGIONS];
usize g_nbad = 0;

// Adds the usable memory within [lower, upper) minus the bad ranges.
void add_usable(BuddyAllocator& buddy, u64 lower, u64 upper) {
    const auto& bi = boot::info();
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        if (r.kind != boot::RegionKind::Usable) {
            continue;
        }
        u64 cur = align_up(r.base, PAGE_SIZE);
        u64 e = align_down(r.base + r.size, PAGE_SIZE);
        cur = cur < lower ? lower : cur;
        e = e > upper ? upper : e;
        for (usize b = 0; b < g_nbad && cur < e; ++b) {
            if (g_bad[b].end <= cur || g_bad[b].end <= g_bad[b].start) {
                continue;
            }
            if (g_bad[b].start >= e) {
                break;
            }
            if (g_bad[b].start > cur) {
                buddy.add_free_range(cur / PAGE_SIZE, (g_bad[b].start - cur) / PAGE_SIZE);
            }
            cur = g_bad[b].end;
        }
        if (e > cur) {
            buddy.add_free_range(cur / PAGE_SIZE, (e - cur) / PAGE_SIZE);
        }
    }
}

} // namespace

void frames_init_high() {
    g_buddy.with([](BuddyAllocator& b) { add_usable(b, BOOT_MAPPED, ~u64(0)); });
}

void frames_init() {
    const auto& bi = boot::info();
    u64 usable = 0;
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        log_debug("mm: region {:#014x}-{:#014x} kind {}", r.base, r.base + r.size, u32(r.kind));
        if (r.kind == boot::RegionKind::Usable && r.base < DIRECT_MAP_LIMIT) {
            // Memory beyond the direct map's reach is never handed out.
            u64 end = r.size > DIRECT_MAP_LIMIT - r.base ? DIRECT_MAP_LIMIT : r.base + r.size;
            usable += end - r.base;
            if (end > g_max_phys) {
                g_max_phys = end;
            }
        }
    }
    if (usable < MIN_USABLE) {
        panic("mm: only {} KiB of usable RAM; Keel needs at least {} MiB", usable >> 10,
              MIN_USABLE >> 20);
    }
    g_max_phys = align_down(g_max_phys, PAGE_SIZE);
    const u64 nframes = g_max_phys / PAGE_SIZE;
    const u64 meta_bytes = align_up(nframes * sizeof(FrameMeta), PAGE_SIZE);

    Range reserved[3] = {
        {0, LOW_RESERVED},
        {align_down(u64(__boot_start), PAGE_SIZE), align_up(kernel_phys_end(), PAGE_SIZE)},
        {align_down(bi.initrd_phys, PAGE_SIZE),
         align_up(bi.initrd_phys + bi.initrd_size, PAGE_SIZE)},
    };
    auto is_reserved = [&](u64 s, u64 e) {
        for (const Range& r : reserved) {
            if (r.end > r.start && overlaps(s, e, r.start, r.end)) {
                return true;
            }
        }
        return false;
    };

    // Place the metadata array in the first usable, unreserved, boot-mapped
    // stretch large enough for it.
    u64 meta_phys = 0;
    for (usize i = 0; i < bi.region_count && meta_phys == 0; ++i) {
        const auto& r = bi.regions[i];
        if (r.kind != boot::RegionKind::Usable) {
            continue;
        }
        for (u64 s = align_up(r.base, PAGE_SIZE);
             s + meta_bytes <= r.base + r.size && s + meta_bytes <= BOOT_MAPPED; s += PAGE_SIZE) {
            if (!is_reserved(s, s + meta_bytes)) {
                meta_phys = s;
                break;
            }
        }
    }
    if (meta_phys == 0) {
        panic("mm: no room for {} KiB of frame metadata", meta_bytes >> 10);
    }

    // Everything not to hand out, sorted by start: fixed reservations, the
    // metadata, and every non-usable region (a buggy map may list a range as
    // both usable and reserved; reserved wins).
    Range* bad = g_bad;
    usize nbad = 0;
    for (const Range& r : reserved) {
        bad[nbad++] = r;
    }
    bad[nbad++] = {meta_phys, meta_phys + meta_bytes};
    for (usize i = 0; i < bi.region_count; ++i) {
        const auto& r = bi.regions[i];
        if (r.kind != boot::RegionKind::Usable) {
            bad[nbad++] = {align_down(r.base, PAGE_SIZE), align_up(r.base + r.size, PAGE_SIZE)};
        }
    }
    for (usize i = 1; i < nbad; ++i) {
        for (usize j = i; j > 0 && bad[j].start < bad[j - 1].start; --j) {
            Range t = bad[j];
            bad[j] = bad[j - 1];
            bad[j - 1] = t;
        }
    }

    auto guard = g_buddy.lock();
    BuddyAllocator& buddy = *guard;
    // SAFETY: [meta_phys, +meta_bytes) is usable RAM below 4 GiB (mapped by
    // the boot tables and later by the direct map), excluded from the
    // allocator below, and used for nothing else.
    buddy.init(phys_ptr<FrameMeta>(meta_phys), nframes);
    g_nbad = nbad;
    add_usable(buddy, 0, BOOT_MAPPED);
    log_debug("mm: {} frames, {} free, metadata at {:#x} ({} KiB)", nframes, buddy.free_frames(),
              meta_phys, meta_bytes >> 10);
}

klib::Optional<u64> alloc_frames(u32 order, FrameUse use) {
    klib::Optional<u64> pfn = g_buddy.with([&](BuddyAllocator& b) -> klib::Optional<u64> {
        if (g_inject > 0) {
            if (g_inject_after > 0) {
                --g_inject_after;
            } else {
                --g_inject;
                return klib::none;
            }
        }
        return b.alloc(order, use);
    });
    if (!pfn.has_value()) {
        return klib::none;
    }
    u64 phys = pfn.value() * PAGE_SIZE;
    // SAFETY: the block was just allocated to us and is direct-mapped.
    // Zero everything except heap slabs (the heap never exposes stale
    // bytes either: it zeroes per object).
    if (use != FrameUse::Heap) {
        __builtin_memset(phys_ptr<u8>(phys), 0, PAGE_SIZE << order);
    }
    return phys;
}

void free_frames(u64 phys, u32 order) {
    bool ok = g_buddy.with([&](BuddyAllocator& b) { return b.free(phys / PAGE_SIZE, order); });
    if (!ok) {
        panic("mm: invalid free of frame {:#x} order {} (double free?)", phys, order);
    }
}

// The checks below fail after the lock is released: a panic must not leave
// the frame allocator locked (the ktest runner recovers from panics).
void frame_ref_inc(u64 phys) {
    bool ok = g_buddy.with([&](BuddyAllocator& b) {
        FrameMeta& m = b.meta(phys / PAGE_SIZE);
        // A wrapped count would free a frame still in use.
        if (m.refcount == ~u32(0)) {
            return false;
        }
        ++m.refcount;
        return true;
    });
    KLIB_CHECK(ok, "Frame: refcount overflow");
}

bool frame_ref_dec(u64 phys) {
    u32 before = 0;
    bool last = g_buddy.with([&](BuddyAllocator& b) {
        FrameMeta& m = b.meta(phys / PAGE_SIZE);
        before = m.refcount;
        if (before == 0) {
            return false;
        }
        return --m.refcount == 0;
    });
    KEEL_ASSERT_MSG(before > 0, "frame refcount underflow");
    return last;
}

u32 frame_refcount(u64 phys) {
    return g_buddy.with([&](BuddyAllocator& b) { return b.meta(phys / PAGE_SIZE).refcount; });
}

FrameUse frame_use(u64 phys) {
    return g_buddy.with([&](BuddyAllocator& b) { return b.meta(phys / PAGE_SIZE).use; });
}

u64 free_bytes() {
    return g_buddy.with([](BuddyAllocator& b) { return b.free_frames() * PAGE_SIZE; });
}

u64 max_phys() {
    return g_max_phys;
}

void inject_frame_failures(u32 n, u32 after) {
    g_buddy.with([&](BuddyAllocator&) {
        g_inject = n;
        g_inject_after = after;
    });
}

} // namespace keel::mm
