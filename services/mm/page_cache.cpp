#include "page_cache.h"

#include "space_walk.h"

namespace services::mm {

namespace {
keel::SpinLock<u64> g_next_id(1);

u64 pages_for(u64 size) {
    return size / PAGE + (size % PAGE != 0 ? 1 : 0);
}
} // namespace

PageCache::PageCache(u64 size, klib::Optional<Fill> fill,
                     klib::Optional<klib::Arc<PageBudget>> budget)
    : fill_(klib::move(fill)), budget_(klib::move(budget)),
      id_(g_next_id.with([](u64& n) { return n++; })), state_(State{}) {
    state_.with([size](State& s) { s.size = size; });
}

PageCache::~PageCache() {
    if (budget_.has_value()) {
        budget_.value()->release(u64(cached()));
    }
}

klib::Result<klib::Arc<PageCache>> PageCache::anonymous(u64 size) {
    return klib::Arc<PageCache>::make(size, klib::Optional<Fill>(),
                                      klib::Optional<klib::Arc<PageBudget>>());
}

klib::Result<klib::Arc<PageCache>> PageCache::with_fill(u64 size, Fill fill) {
    return klib::Arc<PageCache>::make(size, klib::Optional<Fill>(klib::move(fill)),
                                      klib::Optional<klib::Arc<PageBudget>>());
}

klib::Result<klib::Arc<PageCache>> PageCache::for_file(klib::Arc<PageBudget> budget) {
    return klib::Arc<PageCache>::make(0, klib::Optional<Fill>(),
                                      klib::Optional<klib::Arc<PageBudget>>(klib::move(budget)));
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
    TRY(c->state_.with([&](State& s) -> klib::Result<void> {
        TRY(s.pages.try_reserve(frames.size()));
        for (usize i = 0; i < frames.size(); ++i) {
            TRY(s.pages.try_push(Entry{u64(i), frames[i].clone()}));
        }
        return {};
    }));
    return c;
}

// First entry with an index >= `index`. Appends (a file written in order)
// are checked first: O(1) for them.
usize PageCache::lower_bound(const klib::Vec<Entry>& v, u64 index) {
    if (v.empty() || v[v.size() - 1].index < index) {
        return v.size();
    }
    usize at = 0;
    usize hi = v.size();
    while (at < hi) {
        const usize mid = at + (hi - at) / 2;
        if (v[mid].index < index) {
            at = mid + 1;
        } else {
            hi = mid;
        }
    }
    return at;
}

klib::Result<keel::Frame> PageCache::page(u64 index) const {
    return get(index, false);
}

klib::Result<keel::Frame> PageCache::page_to_write(u64 index) const {
    return get(index, true);
}

klib::Result<keel::Frame> PageCache::get(u64 index, bool past_end) const {
    return state_.with([&](State& s) -> klib::Result<keel::Frame> {
        if (!past_end && index >= pages_for(s.size)) {
            return klib::Err(klib::Error::OutOfRange);
        }
        const usize at = lower_bound(s.pages, index);
        if (at < s.pages.size() && s.pages[at].index == index) {
            return s.pages[at].frame.clone();
        }
        if (s.pages.capacity() == s.pages.size()) {
            TRY(s.pages.try_reserve(s.pages.size() < 8 ? 16 : s.pages.size() * 2));
        }
        keel::Frame f = TRY(keel::Frame::alloc());
        if (fill_.has_value()) {
            TRY(fill_.value()(index * PAGE, f));
        }
        if (budget_.has_value()) {
            TRY(budget_.value()->charge(1));
        }
        keel::Frame out = f.clone();
        (void)s.pages.try_insert(at, Entry{index, klib::move(f)}); // reserved
        return out;
    });
}

klib::Optional<keel::Frame> PageCache::peek(u64 index) const {
    return state_.with([&](State& s) -> klib::Optional<keel::Frame> {
        const usize at = lower_bound(s.pages, index);
        if (at < s.pages.size() && s.pages[at].index == index) {
            return s.pages[at].frame.clone();
        }
        return klib::none;
    });
}

bool PageCache::has(u64 index) const {
    return state_.with([&](State& s) {
        const usize at = lower_bound(s.pages, index);
        return at < s.pages.size() && s.pages[at].index == index;
    });
}

klib::Optional<u64> PageCache::next_held(u64 index) const {
    return state_.with([&](State& s) -> klib::Optional<u64> {
        const usize at = lower_bound(s.pages, index);
        if (at < s.pages.size()) {
            return s.pages[at].index;
        }
        return klib::none;
    });
}

u64 PageCache::size() const {
    return state_.with([](State& s) { return s.size; });
}

void PageCache::extend(u64 size) const {
    state_.with([size](State& s) {
        if (size > s.size) {
            s.size = size;
        }
    });
}

void PageCache::note_mapped() const {
    state_.with([](State& s) { s.mapped = true; });
}

void PageCache::truncate(u64 size) const {
    bool mapped = false;
    const u64 dropped = state_.with([&](State& s) {
        mapped = s.mapped;
        const u64 keep = pages_for(size);
        const usize at = lower_bound(s.pages, keep);
        u64 n = 0;
        while (s.pages.size() > at) {
            (void)s.pages.pop(); // the frame goes back when no mapping holds it
            ++n;
        }
        const u64 tail = size % PAGE;
        if (tail != 0 && at > 0 && s.pages[at - 1].index == keep - 1) {
            keel::Frame& last = s.pages[at - 1].frame;
            (void)last.lend_mut(usize(tail), usize(PAGE - tail), [](klib::Span<u8> rest) {
                for (u8& b : rest) {
                    b = 0;
                }
            });
        }
        s.size = size;
        return n;
    });
    if (budget_.has_value()) {
        budget_.value()->release(dropped);
    }
    // The new size is in place: a fault from now on sees it (OutOfRange);
    // one that took a page before holds its space's lock, so the walk
    // below, taking that lock after it, unmaps what it mapped.
    if (mapped) {
        unmap_truncated(id_, size);
    }
}

usize PageCache::cached() const {
    return state_.with([](State& s) { return s.pages.size(); });
}

} // namespace services::mm
