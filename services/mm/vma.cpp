#include "vma.h"

namespace services::mm {

Vma Vma::clone() const {
    Vma v;
    v.start = start;
    v.end = end;
    v.prot = prot;
    v.shared = shared;
    if (backing.has_value()) {
        v.backing = backing.value().clone();
    }
    v.offset = offset;
    return v;
}

Vma Vma::slice(u64 lo, u64 hi) const {
    Vma v = clone();
    v.start = lo;
    v.end = hi;
    v.offset = offset + (lo - start);
    return v;
}

bool Vma::joins(const Vma& next) const {
    if (end != next.start || prot != next.prot || shared != next.shared ||
        backing.has_value() != next.backing.has_value()) {
        return false;
    }
    if (!backing.has_value()) {
        return true;
    }
    return backing.value().ptr_eq(next.backing.value()) && offset + (end - start) == next.offset;
}

usize VmaSet::first_ending_after(u64 addr) const {
    usize lo = 0;
    usize hi = areas_.size();
    while (lo < hi) {
        const usize mid = lo + (hi - lo) / 2;
        if (areas_[mid].end <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

klib::Optional<usize> VmaSet::find(u64 addr) const {
    usize lo = 0;
    usize hi = areas_.size();
    while (lo < hi) {
        const usize mid = lo + (hi - lo) / 2;
        const Vma& v = areas_[mid];
        if (addr < v.start) {
            hi = mid;
        } else if (addr >= v.end) {
            lo = mid + 1;
        } else {
            return mid;
        }
    }
    return klib::none;
}

void VmaSet::merge_around(usize i) {
    if (i + 1 < areas_.size() && areas_[i].joins(areas_[i + 1])) {
        areas_[i].end = areas_[i + 1].end;
        (void)areas_.remove(i + 1);
    }
    if (i > 0 && areas_[i - 1].joins(areas_[i])) {
        areas_[i - 1].end = areas_[i].end;
        (void)areas_.remove(i);
    }
}

klib::Result<void> VmaSet::insert(Vma v) {
    if (v.end <= v.start || overlaps(v.start, v.end)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    if (areas_.size() >= MAX_AREAS) {
        return klib::Err(klib::Error::NoMemory);
    }
    const usize at = first_ending_after(v.start); // no overlap: the insertion point
    TRY(areas_.try_insert(at, klib::move(v)));
    merge_around(at);
    return {};
}

klib::Result<void> VmaSet::remove(u64 start, u64 end) {
    usize i = first_ending_after(start);
    while (i < areas_.size() && areas_[i].start < end) {
        const u64 a_start = areas_[i].start;
        const u64 a_end = areas_[i].end;
        if (a_start < start && a_end > end) {
            // A hole in the middle: one more area.
            if (areas_.size() >= MAX_AREAS) {
                return klib::Err(klib::Error::NoMemory);
            }
            Vma tail = areas_[i].slice(end, a_end);
            TRY(areas_.try_insert(i + 1, klib::move(tail)));
            areas_[i].end = start;
            return {};
        }
        if (a_start < start) {
            areas_[i].end = start; // keeps its head
            ++i;
        } else if (a_end > end) {
            Vma tail = areas_[i].slice(end, a_end); // keeps its tail
            areas_[i] = klib::move(tail);
            return {};
        } else {
            // Areas inside the range: erase the whole run in one pass (one
            // by one would move the tail once per area).
            usize j = i + 1;
            while (j < areas_.size() && areas_[j].end <= end) {
                ++j;
            }
            const usize gone = j - i;
            for (usize k = j; k < areas_.size(); ++k) {
                Vma moved = klib::move(areas_[k]);
                areas_[k - gone] = klib::move(moved);
            }
            areas_.truncate(areas_.size() - gone);
        }
    }
    return {};
}

klib::Result<void> VmaSet::protect(u64 start, u64 end, u32 prot) {
    // At most two more areas (split at both ends); refuse before changing
    // anything rather than fail half-way.
    if (areas_.size() + 2 > MAX_AREAS) {
        return klib::Err(klib::Error::NoMemory);
    }
    klib::Vec<Vma> parts = TRY(intersect(start, end));
    TRY(remove(start, end));
    for (Vma& v : parts) {
        v.prot = prot;
        TRY(insert(klib::move(v)));
    }
    return {};
}

klib::Result<klib::Vec<Vma>> VmaSet::intersect(u64 start, u64 end) const {
    klib::Vec<Vma> out;
    for (usize i = first_ending_after(start); i < areas_.size() && areas_[i].start < end; ++i) {
        const Vma& a = areas_[i];
        TRY(out.try_push(a.slice(a.start > start ? a.start : start, a.end < end ? a.end : end)));
    }
    return out;
}

bool VmaSet::overlaps(u64 start, u64 end) const {
    const usize i = first_ending_after(start);
    return start < end && i < areas_.size() && areas_[i].start < end;
}

bool VmaSet::covers(u64 start, u64 end) const {
    u64 next = start; // everything below `next` is covered
    for (usize i = first_ending_after(start); i < areas_.size() && next < end; ++i) {
        if (areas_[i].start > next) {
            return false;
        }
        next = areas_[i].end;
    }
    return next >= end;
}

klib::Optional<u64> VmaSet::find_free(u64 len, u64 low, u64 high) const {
    if (len == 0 || high < low || high - low < len) {
        return klib::none;
    }
    u64 gap_top = high;
    for (usize i = areas_.size(); i > 0; --i) {
        const Vma& a = areas_[i - 1];
        if (a.start >= gap_top) {
            continue;
        }
        if (a.end < gap_top) {
            const u64 gap_low = a.end > low ? a.end : low;
            if (gap_top > gap_low && gap_top - gap_low >= len) {
                return gap_top - len;
            }
        }
        gap_top = a.start;
        if (gap_top <= low) {
            return klib::none;
        }
    }
    if (gap_top - low >= len) {
        return gap_top - len;
    }
    return klib::none;
}

klib::Result<VmaSet> VmaSet::clone() const {
    VmaSet s;
    TRY(s.areas_.try_reserve(areas_.size()));
    for (const Vma& a : areas_) {
        TRY(s.areas_.try_push(a.clone()));
    }
    return s;
}

} // namespace services::mm
