#include "mm/buddy.h"

namespace keel::mm {

void BuddyAllocator::init(FrameMeta* meta, u64 nframes) {
    meta_ = meta;
    nframes_ = nframes;
    free_frames_ = 0;
    for (u32 o = 0; o <= MAX_ORDER; ++o) {
        heads_[o] = NIL;
    }
    for (u64 i = 0; i < nframes; ++i) {
        meta_[i] = FrameMeta{NIL, NIL, 0, FrameUse::Reserved, 0, 0, 0};
    }
}

void BuddyAllocator::push(u32 order, u64 pfn) {
    FrameMeta& m = meta_[pfn];
    m.order = u8(order);
    m.use = FrameUse::Free;
    m.is_head = 1;
    m.prev = NIL;
    m.next = heads_[order];
    if (heads_[order] != NIL) {
        meta_[heads_[order]].prev = u32(pfn);
    }
    heads_[order] = u32(pfn);
}

void BuddyAllocator::unlink(u32 order, u64 pfn) {
    FrameMeta& m = meta_[pfn];
    if (m.prev != NIL) {
        meta_[m.prev].next = m.next;
    } else {
        heads_[order] = m.next;
    }
    if (m.next != NIL) {
        meta_[m.next].prev = m.prev;
    }
    m.next = m.prev = NIL;
    m.is_head = 0;
}

void BuddyAllocator::add_free_range(u64 first, u64 count) {
    u64 end = first + count;
    if (end > nframes_ || end < first) {
        end = nframes_;
    }
    auto all_reserved = [&](u64 from, u64 n) {
        for (u64 i = from; i < from + n; ++i) {
            if (meta_[i].use != FrameUse::Reserved) {
                return false;
            }
        }
        return true;
    };
    u64 pfn = first;
    while (pfn < end) {
        if (meta_[pfn].use != FrameUse::Reserved) {
            ++pfn;
            continue;
        }
        // The largest aligned block starting here that fits and is unused.
        u32 o = 0;
        while (o < MAX_ORDER && (pfn & ((u64(2) << o) - 1)) == 0 && pfn + (u64(2) << o) <= end &&
               all_reserved(pfn + (u64(1) << o), u64(1) << o)) {
            ++o;
        }
        // Hand the block over as if allocated, then free it (merging).
        for (u64 i = 0; i < (u64(1) << o); ++i) {
            meta_[pfn + i].use = FrameUse::Untyped;
            meta_[pfn + i].is_head = i == 0;
            meta_[pfn + i].order = u8(o);
        }
        free(pfn, o);
        pfn += u64(1) << o;
    }
}

klib::Optional<u64> BuddyAllocator::alloc(u32 order, FrameUse use) {
    if (order > MAX_ORDER) {
        return klib::none;
    }
    u32 o = order;
    while (o <= MAX_ORDER && heads_[o] == NIL) {
        ++o;
    }
    if (o > MAX_ORDER) {
        return klib::none;
    }
    u64 pfn = heads_[o];
    unlink(o, pfn);
    // Split down to the requested order, returning upper halves.
    while (o > order) {
        --o;
        push(o, pfn + (u64(1) << o));
    }
    for (u64 i = 0; i < (u64(1) << order); ++i) {
        FrameMeta& m = meta_[pfn + i];
        m.use = use;
        m.is_head = i == 0;
        m.order = u8(order);
        m.refcount = 0;
    }
    free_frames_ -= u64(1) << order;
    return pfn;
}

bool BuddyAllocator::free(u64 pfn, u32 order) {
    if (pfn >= nframes_ || order > MAX_ORDER || (pfn & ((u64(1) << order) - 1)) != 0 ||
        pfn + (u64(1) << order) > nframes_) {
        return false;
    }
    FrameMeta& head = meta_[pfn];
    if (head.use == FrameUse::Free || head.use == FrameUse::Reserved || !head.is_head ||
        head.order != order) {
        return false;
    }
    for (u64 i = 0; i < (u64(1) << order); ++i) {
        meta_[pfn + i].use = FrameUse::Free;
        meta_[pfn + i].is_head = 0;
        meta_[pfn + i].refcount = 0;
    }
    free_frames_ += u64(1) << order;
    // Merge with free buddies of the same order.
    while (order < MAX_ORDER) {
        u64 buddy = pfn ^ (u64(1) << order);
        if (buddy + (u64(1) << order) > nframes_) {
            break;
        }
        const FrameMeta& b = meta_[buddy];
        if (b.use != FrameUse::Free || !b.is_head || b.order != order) {
            break;
        }
        unlink(order, buddy);
        pfn = pfn < buddy ? pfn : buddy;
        ++order;
    }
    push(order, pfn);
    return true;
}

bool BuddyAllocator::check_invariants() const {
    u64 counted = 0;
    for (u32 o = 0; o <= MAX_ORDER; ++o) {
        u32 prev = NIL;
        u64 steps = 0;
        for (u32 p = heads_[o]; p != NIL; p = meta_[p].next) {
            if (p >= nframes_ || ++steps > nframes_) {
                return false;
            }
            const FrameMeta& m = meta_[p];
            if (m.use != FrameUse::Free || !m.is_head || m.order != o || m.prev != prev ||
                (p & ((u64(1) << o) - 1)) != 0) {
                return false;
            }
            for (u64 i = 1; i < (u64(1) << o); ++i) {
                if (meta_[p + i].use != FrameUse::Free || meta_[p + i].is_head) {
                    return false;
                }
            }
            counted += u64(1) << o;
            prev = p;
        }
    }
    return counted == free_frames_;
}

} // namespace keel::mm
