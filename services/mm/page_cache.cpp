#include "page_cache.h"

namespace services::mm {

namespace {
constexpr u64 PAGE = keel::Frame::SIZE;
}

klib::Result<klib::Arc<PageCache>> PageCache::anonymous(u64 size) {
    return klib::Arc<PageCache>::make(size, klib::Optional<Fill>());
}

klib::Result<klib::Arc<PageCache>> PageCache::with_fill(u64 size, Fill fill) {
    return klib::Arc<PageCache>::make(size, klib::Optional<Fill>(klib::move(fill)));
}

klib::Result<klib::Arc<PageCache>> PageCache::from_bytes(klib::Span<const u8> bytes) {
    klib::Vec<u8> copy;
    TRY(copy.try_reserve(bytes.size()));
    for (u8 b : bytes) {
        TRY(copy.try_push(b));
    }
    klib::Arc<klib::Vec<u8>> data = TRY(klib::Arc<klib::Vec<u8>>::make(klib::move(copy)));
    const u64 size = bytes.size();
    Fill fill = TRY(Fill::make([data = klib::move(data)](u64 offset, keel::Frame& frame) {
        const klib::Vec<u8>& v = *data;
        if (offset >= v.size()) {
            return klib::Result<void>();
        }
        const u64 n = v.size() - offset < PAGE ? v.size() - offset : PAGE;
        return frame.write_bytes(0, v.span().span().subspan(usize(offset), usize(n)));
    }));
    return with_fill(size, klib::move(fill));
}

klib::Result<klib::Arc<PageCache>> PageCache::from_frames(klib::Vec<keel::Frame> frames) {
    klib::Arc<PageCache> c = TRY(anonymous(u64(frames.size()) * PAGE));
    TRY(c->pages_.with([&](klib::Vec<Entry>& v) -> klib::Result<void> {
        TRY(v.try_reserve(frames.size()));
        for (usize i = 0; i < frames.size(); ++i) {
            TRY(v.try_push(Entry{u64(i), frames[i].clone()}));
        }
        return {};
    }));
    return c;
}

klib::Result<keel::Frame> PageCache::page(u64 index) const {
    if (index >= (size_ + PAGE - 1) / PAGE) {
        return klib::Err(klib::Error::OutOfRange);
    }
    return pages_.with([&](klib::Vec<Entry>& v) -> klib::Result<keel::Frame> {
        usize at = 0; // first entry with an index >= `index`
        usize hi = v.size();
        while (at < hi) {
            const usize mid = at + (hi - at) / 2;
            if (v[mid].index < index) {
                at = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (at < v.size() && v[at].index == index) {
            return v[at].frame.clone();
        }
        keel::Frame f = TRY(keel::Frame::alloc());
        if (fill_.has_value()) {
            TRY(fill_.value()(index * PAGE, f));
        }
        keel::Frame out = f.clone();
        TRY(v.try_insert(at, Entry{index, klib::move(f)}));
        return out;
    });
}

bool PageCache::has(u64 index) const {
    return pages_.with([&](klib::Vec<Entry>& v) {
        for (const Entry& e : v) {
            if (e.index == index) {
                return true;
            }
        }
        return false;
    });
}

usize PageCache::cached() const {
    return pages_.with([](klib::Vec<Entry>& v) { return v.size(); });
}

} // namespace services::mm
