#include "vm_areas.h"

namespace services::process {

klib::Result<void> VmAreas::insert(u64 start, u64 end) {
    if (end <= start) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    TRY(remove(start, end));
    usize at = 0;
    while (at < areas_.size() && areas_[at].start < start) {
        ++at;
    }
    TRY(areas_.try_insert(at, Area{start, end}));
    return {};
}

klib::Result<void> VmAreas::remove(u64 start, u64 end) {
    if (!overlaps(start, end)) {
        return {};
    }
    klib::Vec<Area> kept;
    TRY(kept.try_reserve(areas_.size() + 1));
    for (const Area& a : areas_) {
        if (a.end <= start || a.start >= end) {
            TRY(kept.try_push(a));
            continue;
        }
        if (a.start < start) {
            TRY(kept.try_push(Area{a.start, start}));
        }
        if (a.end > end) {
            TRY(kept.try_push(Area{end, a.end}));
        }
    }
    areas_ = klib::move(kept);
    return {};
}

bool VmAreas::overlaps(u64 start, u64 end) const {
    for (const Area& a : areas_) {
        if (a.start < end && start < a.end) {
            return true;
        }
    }
    return false;
}

bool VmAreas::covers(u64 start, u64 end) const {
    u64 next = start; // everything below `next` is covered
    for (const Area& a : areas_) {
        if (next >= end) {
            break;
        }
        if (a.end <= next) {
            continue;
        }
        if (a.start > next) {
            return false;
        }
        next = a.end;
    }
    return next >= end;
}

klib::Optional<u64> VmAreas::find_free(u64 len, u64 low, u64 high) const {
    if (len == 0 || high < low || high - low < len) {
        return klib::none;
    }
    u64 gap_top = high;
    for (usize i = areas_.size(); i > 0; --i) {
        const Area& a = areas_[i - 1];
        if (a.start >= gap_top) {
            continue;
        }
        if (a.end < gap_top) {
            const u64 gap_low = a.end > low ? a.end : low;
            if (gap_top - gap_low >= len) {
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

klib::Result<klib::Vec<Area>> VmAreas::intersect(u64 start, u64 end) const {
    klib::Vec<Area> out;
    for (const Area& a : areas_) {
        if (a.start < end && start < a.end) {
            TRY(out.try_push(Area{a.start > start ? a.start : start, a.end < end ? a.end : end}));
        }
    }
    return out;
}

} // namespace services::process
