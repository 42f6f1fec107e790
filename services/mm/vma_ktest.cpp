// ktests of the area bookkeeping: insert, split by remove and protect,
// merging of equal neighbours, gaps found top-down, file offsets.
#include "vma.h"

#include <keel/ktest.h>

namespace services::mm {

namespace {

Vma anon(u64 start, u64 end, u32 prot) {
    Vma v;
    v.start = start;
    v.end = end;
    v.prot = prot;
    return v;
}

constexpr u32 RW = PROT_READ | PROT_WRITE;

} // namespace

KTEST(mm_vma_insert_remove_split_merge) {
    VmaSet s;
    MUST(s.insert(anon(0x10000, 0x20000, RW)));
    MUST(s.insert(anon(0x30000, 0x40000, RW)));
    KEXPECT(s.insert(anon(0x1f000, 0x21000, RW)).is_err()); // overlaps
    KEXPECT(s.insert(anon(0x50000, 0x50000, RW)).is_err()); // empty
    KEXPECT(s.overlaps(0x1f000, 0x21000));
    KEXPECT(!s.overlaps(0x20000, 0x30000));
    KEXPECT(!s.covers(0x10000, 0x31000));
    MUST(s.insert(anon(0x20000, 0x30000, RW))); // fills the hole: one area
    KEXPECT_EQ(s.count(), 1u);
    KEXPECT(s.covers(0x10000, 0x40000));
    MUST(s.remove(0x18000, 0x19000)); // splits it
    KEXPECT_EQ(s.count(), 2u);
    KEXPECT(!s.find(0x18000).has_value());
    KEXPECT_EQ(s.find(0x17fff).value_or(9), 0u);
    KEXPECT_EQ(s.find(0x19000).value_or(9), 1u);
    MUST(s.protect(0x1a000, 0x1b000, PROT_READ)); // splits in three
    KEXPECT_EQ(s.count(), 4u);
    KEXPECT_EQ(s.get(2).prot, u32(PROT_READ));
    KEXPECT_EQ(s.get(2).start, u64(0x1a000));
    MUST(s.protect(0x1a000, 0x1b000, RW)); // merges back
    KEXPECT_EQ(s.count(), 2u);
    auto parts = MUST(s.intersect(0x17000, 0x1a000));
    KASSERT(parts.size() == 2);
    KEXPECT_EQ(parts[0].end, u64(0x18000));
    KEXPECT_EQ(parts[1].start, u64(0x19000));
}

KTEST(mm_vma_file_offsets_follow_splits) {
    VmaSet s;
    Vma f = anon(0x100000, 0x104000, PROT_READ);
    f.backing = MUST(PageCache::anonymous(0x4000));
    f.offset = 0x2000;
    MUST(s.insert(klib::move(f)));
    MUST(s.remove(0x101000, 0x102000));
    KEXPECT_EQ(s.get(1).start, u64(0x102000));
    KEXPECT_EQ(s.get(1).offset, u64(0x4000));
    // A neighbour with the same object but a discontiguous offset does not merge.
    Vma g = s.get(0).slice(0x101000, 0x102000);
    g.offset = 0x9000;
    MUST(s.insert(klib::move(g)));
    KEXPECT_EQ(s.count(), 3u);
    MUST(s.remove(0x101000, 0x102000));
    MUST(s.insert(s.get(0).slice(0x101000, 0x102000))); // contiguous: merges
    KEXPECT_EQ(s.count(), 1u);
    KEXPECT_EQ(s.get(0).offset, u64(0x2000));
}

KTEST(mm_vma_find_free_top_down) {
    VmaSet s;
    KEXPECT_EQ(s.find_free(0x2000, 0x10000, 0x20000).value_or(0), u64(0x1e000));
    MUST(s.insert(anon(0x1e000, 0x20000, RW)));
    MUST(s.insert(anon(0x18000, 0x1d000, PROT_READ)));
    KEXPECT_EQ(s.find_free(0x2000, 0x10000, 0x20000).value_or(0), u64(0x16000));
    KEXPECT_EQ(s.find_free(0x1000, 0x10000, 0x20000).value_or(0), u64(0x1d000));
    KEXPECT(!s.find_free(0x9000, 0x10000, 0x20000).has_value());
    KEXPECT(!s.find_free(0, 0x10000, 0x20000).has_value());
    KEXPECT(!s.find_free(0x1000, 0x20000, 0x10000).has_value());
}

} // namespace services::mm

namespace services::mm {

KTEST(mm_vma_count_is_limited_like_max_map_count) {
    VmaSet s;
    MUST(s.insert(anon(0x10000000, 0x10010000, RW)));
    for (u64 i = 1; i < MAX_AREAS; ++i) {
        const u64 at = 0x20000000 + i * 2 * PAGE; // gaps: no merging
        MUST(s.insert(anon(at, at + PAGE, RW)));
    }
    KEXPECT_EQ(s.count(), MAX_AREAS);
    KEXPECT(s.insert(anon(0x10000, 0x11000, RW)).error() == klib::Error::NoMemory);
    // A hole in the middle of an area would make one more: refused, unchanged.
    KEXPECT(s.remove(0x10004000, 0x10005000).error() == klib::Error::NoMemory);
    KEXPECT(s.protect(0x10004000, 0x10005000, PROT_READ).error() == klib::Error::NoMemory);
    KEXPECT_EQ(s.count(), MAX_AREAS);
    KEXPECT(s.covers(0x10000000, 0x10010000));
    // Removing whole areas is always possible, and makes room.
    MUST(s.remove(0x20000000 + 2 * PAGE, 0x20000000 + 6 * PAGE));
    KEXPECT_EQ(s.count(), MAX_AREAS - 2);
    MUST(s.remove(0x10004000, 0x10005000));
    KEXPECT_EQ(s.count(), MAX_AREAS - 1);
    KEXPECT(s.find(0x2fff0000 + 0).has_value() == s.overlaps(0x2fff0000, 0x2fff1000));
}

} // namespace services::mm
