#include "address_space.h"

namespace services::mm {

namespace {

constexpr u64 USER_START = keel::VmSpace::USER_START;
constexpr u64 USER_END = keel::VmSpace::USER_END;

keel::VmPerms perms_of(u32 prot) {
    return keel::VmPerms{(prot & PROT_WRITE) != 0, (prot & PROT_EXEC) != 0};
}

// x86 pages are always readable: any access mode implies reading.
bool allows(u32 prot, Access a) {
    if (prot == 0) {
        return false;
    }
    if (a.write && (prot & PROT_WRITE) == 0) {
        return false;
    }
    return !a.exec || (prot & PROT_EXEC) != 0;
}

// `f` is a handle from VmSpace::query: the page is exclusive to its one
// mapping when that mapping and `f` are the only references (no other
// space, page cache or parked handle can see it), so it may be written in
// place.
bool exclusive(const keel::Frame& f) {
    return f.ref_count() == 2;
}

bool inside(u64 va, u64 start, u64 end) {
    return va >= start && va < end;
}

} // namespace

klib::Result<AddressSpace> AddressSpace::create() {
    klib::Box<keel::VmSpace> pt = TRY(klib::Box<keel::VmSpace>::make(TRY(keel::VmSpace::create())));
    return AddressSpace(klib::move(pt), State{});
}

AddressSpace::AddressSpace(AddressSpace&& o)
    : pt_(klib::move(o.pt_)), state_(o.state_.with([](State& s) {
          return State{klib::move(s.vmas), klib::move(s.parked)};
      })) {}

AddressSpace& AddressSpace::operator=(AddressSpace&& o) {
    State incoming = o.state_.with([](State& s) {
        return State{klib::move(s.vmas), klib::move(s.parked)};
    });
    // The page tables go first (their frames with them), then the areas.
    pt_ = klib::move(o.pt_);
    State old = state_.with([&](State& s) {
        State out{klib::move(s.vmas), klib::move(s.parked)};
        s.vmas = klib::move(incoming.vmas);
        s.parked = klib::move(incoming.parked);
        return out;
    });
    return *this;
}

usize AddressSpace::area_count() const {
    return state_.with([](State& s) { return s.vmas.count(); });
}

klib::Result<klib::Vec<Vma>> AddressSpace::areas() const {
    return state_.with([](State& s) -> klib::Result<klib::Vec<Vma>> {
        klib::Vec<Vma> out;
        TRY(out.try_reserve(s.vmas.count()));
        for (usize i = 0; i < s.vmas.count(); ++i) {
            TRY(out.try_push(s.vmas.get(i)));
        }
        return out;
    });
}

klib::Result<klib::Optional<SharedKey>> AddressSpace::shared_key(u64 addr) const {
    return state_.with([&](State& s) -> klib::Result<klib::Optional<SharedKey>> {
        klib::Optional<usize> idx = s.vmas.find(addr);
        if (!idx.has_value()) {
            return klib::Err(klib::Error::Fault);
        }
        const Vma v = s.vmas.get(idx.value());
        if (!v.shared || !v.backing.has_value()) {
            return klib::Optional<SharedKey>();
        }
        return klib::Optional<SharedKey>(SharedKey{v.backing.value().clone(), v.offset + (addr - v.start)});
    });
}

void AddressSpace::unmap_object_from(u64 object_id, u64 size) const {
    const u64 cut = page_up(size);
    state_.with([&](State& s) {
        for (usize i = 0; i < s.vmas.count(); ++i) {
            const Vma v = s.vmas.get(i);
            if (!v.backing.has_value() || v.backing.value()->id() != object_id) {
                continue;
            }
            const u64 obj_end = v.offset + (v.end - v.start);
            if (cut >= obj_end) {
                continue;
            }
            const u64 from = cut <= v.offset ? v.start : v.start + (cut - v.offset);
            // Unmapping only drops entries (no table to allocate): an
            // error leaves nothing half done worth reporting to truncate.
            (void)pt_->unmap_range(from, v.end);
            drop_parked(s, from, v.end);
        }
    });
}

bool AddressSpace::overlaps(u64 start, u64 end) const {
    return state_.with([&](State& s) { return s.vmas.overlaps(start, end); });
}

bool AddressSpace::covers(u64 start, u64 end) const {
    return state_.with([&](State& s) { return s.vmas.covers(start, end); });
}

klib::Result<void> AddressSpace::handle_fault(u64 addr, Access access) const {
    return state_.with([&](State& s) { return fault_locked(s, addr, access); });
}

klib::Result<void> AddressSpace::fault_locked(State& s, u64 addr, Access access) const {
    klib::Optional<usize> idx = s.vmas.find(addr);
    if (!idx.has_value()) {
        return klib::Err(klib::Error::Fault);
    }
    const Vma v = s.vmas.get(idx.value());
    if (!allows(v.prot, access)) {
        return klib::Err(klib::Error::Fault);
    }
    const u64 page = page_down(addr);
    const keel::VmPerms perms = perms_of(v.prot);
    klib::Optional<keel::VmSpace::Mapping> cur = pt_->query(page);
    if (cur.has_value()) {
        if (!access.write || cur.value().perms.write) {
            return {}; // already allowed (resolved meanwhile): retry
        }
        // A write to a read-only page of a writable area: copy-on-write.
        if (v.shared || exclusive(cur.value().frame)) {
            return pt_->protect(page, perms);
        }
        keel::Frame copy = TRY(keel::Frame::alloc());
        copy.copy_from(cur.value().frame);
        (void)TRY(pt_->replace(page, klib::move(copy), perms));
        return {};
    }
    if (!v.backing.has_value()) {
        keel::Frame zero = TRY(keel::Frame::alloc());
        return pt_->map(page, klib::move(zero), perms);
    }
    const u64 index = (v.offset + (page - v.start)) / PAGE;
    keel::Frame f = TRY(v.backing.value()->page(index));
    if (v.shared) {
        return pt_->map(page, klib::move(f), perms);
    }
    if (access.write) {
        keel::Frame copy = TRY(keel::Frame::alloc());
        copy.copy_from(f);
        return pt_->map(page, klib::move(copy), perms);
    }
    // A private page read from the object: shared with the cache until a
    // write copies it.
    return pt_->map(page, klib::move(f), keel::VmPerms{false, perms.exec});
}

void AddressSpace::drop_parked(State& s, u64 start, u64 end) {
    usize i = 0;
    while (i < s.parked.size()) {
        if (inside(s.parked[i].va, start, end)) {
            (void)s.parked.remove(i); // the frame is released here
        } else {
            ++i;
        }
    }
}

klib::Result<void> AddressSpace::unmap_locked(State& s, u64 start, u64 end) const {
    (void)TRY(pt_->unmap_range(start, end));
    drop_parked(s, start, end);
    return s.vmas.remove(start, end);
}

klib::Result<u64> AddressSpace::map(MapRequest req) const {
    if (req.len == 0 || (req.len & (PAGE - 1)) != 0 || req.len > USER_END - USER_START) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const u64 len = req.len;
    if (req.shared && !req.backing.has_value()) {
        req.backing = TRY(PageCache::anonymous(len));
        req.offset = 0;
    }
    return state_.with([&](State& s) -> klib::Result<u64> {
        u64 start = 0;
        if (req.placement == Placement::Hint) {
            const u64 hint = page_up(req.addr);
            if (hint >= USER_START && hint <= USER_END - len && !s.vmas.overlaps(hint, hint + len)) {
                start = hint;
            } else {
                klib::Optional<u64> found = s.vmas.find_free(len, req.low, req.high);
                if (!found.has_value()) {
                    return klib::Err(klib::Error::NoMemory);
                }
                start = found.value();
            }
        } else {
            start = req.addr;
            if ((start & (PAGE - 1)) != 0 || start < USER_START || start > USER_END - len) {
                return klib::Err(klib::Error::InvalidArgument);
            }
            if (s.vmas.overlaps(start, start + len)) {
                if (req.placement == Placement::FixedNoReplace) {
                    return klib::Err(klib::Error::Exists);
                }
                TRY(unmap_locked(s, start, start + len));
            }
        }
        Vma v;
        v.start = start;
        v.end = start + len;
        v.prot = req.prot;
        v.shared = req.shared;
        v.backing = klib::move(req.backing);
        v.offset = req.offset;
        if (v.backing.has_value()) {
            v.backing.value()->note_mapped();
        }
        TRY(s.vmas.insert(klib::move(v)));
        return start;
    });
}

klib::Result<void> AddressSpace::unmap(u64 start, u64 end) const {
    return state_.with([&](State& s) { return unmap_locked(s, start, end); });
}

klib::Result<void> AddressSpace::protect(u64 start, u64 end, u32 prot) const {
    return state_.with([&](State& s) -> klib::Result<void> {
        if (!s.vmas.covers(start, end)) {
            return klib::Err(klib::Error::NoMemory);
        }
        TRY(s.vmas.protect(start, end, prot));
        if (prot == 0) {
            // Park the frames: the pages stay inaccessible, their contents
            // kept for a later mprotect.
            for (auto p = pt_->next_mapped(start, end); p.has_value();
                 p = pt_->next_mapped(p.value() + PAGE, end)) {
                keel::Frame f = TRY(pt_->unmap(p.value()));
                TRY(s.parked.try_push(Parked{p.value(), klib::move(f)}));
            }
            return {};
        }
        klib::Vec<Vma> parts = TRY(s.vmas.intersect(start, end));
        const keel::VmPerms perms = perms_of(prot);
        // Pages parked by an earlier PROT_NONE come back; a shared frame
        // stays read-only in a private area (copy-on-write).
        usize i = 0;
        while (i < s.parked.size()) {
            if (!inside(s.parked[i].va, start, end)) {
                ++i;
                continue;
            }
            Parked p = s.parked.remove(i);
            const klib::Optional<usize> at = s.vmas.find(p.va);
            const bool shared = at.has_value() && s.vmas.get(at.value()).shared;
            const bool w = perms.write && (shared || p.frame.ref_count() == 1);
            TRY(pt_->map(p.va, klib::move(p.frame), keel::VmPerms{w, perms.exec}));
        }
        for (const Vma& v : parts) {
            if (!perms.write || v.shared) {
                (void)TRY(pt_->protect_range(v.start, v.end, perms));
                continue;
            }
            for (auto p = pt_->next_mapped(v.start, v.end); p.has_value();
                 p = pt_->next_mapped(p.value() + PAGE, v.end)) {
                klib::Optional<keel::VmSpace::Mapping> m = pt_->query(p.value());
                const bool w = m.has_value() && exclusive(m.value().frame);
                TRY(pt_->protect(p.value(), keel::VmPerms{w, perms.exec}));
            }
        }
        return {};
    });
}

klib::Result<u64> AddressSpace::remap(u64 old, u64 old_len, u64 new_len, bool may_move,
                                      klib::Optional<u64> fixed, u64 low, u64 high) const {
    return state_.with([&](State& s) -> klib::Result<u64> {
        klib::Optional<usize> idx = s.vmas.find(old);
        if (!idx.has_value()) {
            return klib::Err(klib::Error::Fault);
        }
        const Vma v = s.vmas.get(idx.value());
        if (old_len > v.end - old) {
            return klib::Err(klib::Error::Fault);
        }
        if (old_len == 0) {
            // A second mapping of the same shared pages (private: EINVAL,
            // as Linux 6.1).
            if (!v.shared || !may_move) {
                return klib::Err(klib::Error::InvalidArgument);
            }
            u64 at = 0;
            if (fixed.has_value()) {
                at = fixed.value();
                TRY(unmap_locked(s, at, at + new_len));
            } else {
                klib::Optional<u64> found = s.vmas.find_free(new_len, low, high);
                if (!found.has_value()) {
                    return klib::Err(klib::Error::NoMemory);
                }
                at = found.value();
            }
            Vma dup = v.slice(page_down(old), page_down(old) + new_len);
            dup.start = at;
            dup.end = at + new_len;
            TRY(s.vmas.insert(klib::move(dup)));
            return at;
        }
        u64 keep = old_len; // bytes of the old range that move
        u64 dest = old;
        if (fixed.has_value()) {
            dest = fixed.value();
            if (dest < old + old_len && old < dest + new_len) {
                return klib::Err(klib::Error::InvalidArgument);
            }
            TRY(unmap_locked(s, dest, dest + new_len));
        } else if (new_len <= old_len) {
            TRY(unmap_locked(s, old + new_len, old + old_len));
            return old;
        } else if (old + old_len == v.end && new_len - old_len <= USER_END - v.end &&
                   !s.vmas.overlaps(v.end, old + new_len)) {
            // Grows in place into the free range after the area.
            TRY(s.vmas.insert(v.slice(v.end, old + new_len)));
            return old;
        } else if (!may_move) {
            return klib::Err(klib::Error::NoMemory);
        } else {
            klib::Optional<u64> found = s.vmas.find_free(new_len, low, high);
            if (!found.has_value()) {
                return klib::Err(klib::Error::NoMemory);
            }
            dest = found.value();
        }
        if (new_len < keep) {
            TRY(unmap_locked(s, old + new_len, old + keep));
            keep = new_len;
        }
        // Move the pages, then the area.
        for (auto p = pt_->next_mapped(old, old + keep); p.has_value();
             p = pt_->next_mapped(p.value() + PAGE, old + keep)) {
            klib::Optional<keel::VmSpace::Mapping> m = pt_->query(p.value());
            const keel::VmPerms perms = m.has_value() ? m.value().perms : keel::VmPerms{};
            keel::Frame f = TRY(pt_->unmap(p.value()));
            TRY(pt_->map(dest + (p.value() - old), klib::move(f), perms));
        }
        for (Parked& p : s.parked) {
            if (inside(p.va, old, old + keep)) {
                p.va = dest + (p.va - old);
            }
        }
        Vma moved = v.slice(old, old + keep);
        moved.start = dest;
        moved.end = dest + new_len;
        TRY(s.vmas.remove(old, old + keep));
        TRY(s.vmas.insert(klib::move(moved)));
        return dest;
    });
}

klib::Result<void> AddressSpace::discard(u64 start, u64 end) const {
    return state_.with([&](State& s) -> klib::Result<void> {
        // As Linux: the mapped parts are dropped even when the range has
        // holes, which are reported afterwards.
        (void)TRY(pt_->unmap_range(start, end));
        drop_parked(s, start, end);
        if (!s.vmas.covers(start, end)) {
            return klib::Err(klib::Error::NoMemory);
        }
        return {};
    });
}

void AddressSpace::populate(u64 start, u64 end) const {
    state_.with([&](State& s) {
        for (u64 page = page_down(start); page < end; page += PAGE) {
            const klib::Optional<usize> at = s.vmas.find(page);
            if (!at.has_value()) {
                continue;
            }
            const bool write = (s.vmas.get(at.value()).prot & PROT_WRITE) != 0;
            (void)fault_locked(s, page, Access{write, false});
        }
    });
}

klib::Result<void> AddressSpace::residency(u64 start, klib::Span<u8> out) const {
    return state_.with([&](State& s) -> klib::Result<void> {
        const u64 end = start + u64(out.size()) * PAGE;
        if (!s.vmas.covers(start, end)) {
            return klib::Err(klib::Error::NoMemory);
        }
        for (usize i = 0; i < out.size(); ++i) {
            const u64 va = start + u64(i) * PAGE;
            bool in = pt_->query(va).has_value();
            const klib::Optional<usize> at = s.vmas.find(va);
            if (!in && at.has_value()) {
                const Vma v = s.vmas.get(at.value());
                // A file or shared page counts when its object holds it.
                in = v.backing.has_value() &&
                     v.backing.value()->has((v.offset + (va - v.start)) / PAGE);
                // Only PROT_NONE areas have parked frames.
                for (usize k = 0; !in && v.prot == 0 && k < s.parked.size(); ++k) {
                    in = s.parked[k].va == va;
                }
            }
            out[i] = in ? 1 : 0;
        }
        return {};
    });
}

klib::Result<AddressSpace> AddressSpace::fork() const {
    klib::Box<keel::VmSpace> child_pt = TRY(klib::Box<keel::VmSpace>::make(TRY(keel::VmSpace::create())));
    State cs = TRY(state_.with([&](State& s) -> klib::Result<State> {
        State out{TRY(s.vmas.clone()), {}};
        TRY(out.parked.try_reserve(s.parked.size()));
        for (const Parked& p : s.parked) {
            TRY(out.parked.try_push(Parked{p.va, p.frame.clone()}));
        }
        for (usize i = 0; i < s.vmas.count(); ++i) {
            const Vma v = s.vmas.get(i);
            const bool cow = !v.shared;
            if (cow && (v.prot & PROT_WRITE) != 0) {
                // Both spaces now share the pages read-only.
                (void)TRY(pt_->protect_range(v.start, v.end, keel::VmPerms{false, (v.prot & PROT_EXEC) != 0}));
            }
            for (auto p = pt_->next_mapped(v.start, v.end); p.has_value();
                 p = pt_->next_mapped(p.value() + PAGE, v.end)) {
                klib::Optional<keel::VmSpace::Mapping> m = pt_->query(p.value());
                if (!m.has_value()) {
                    continue;
                }
                keel::VmPerms perms = m.value().perms;
                if (cow) {
                    perms.write = false;
                }
                TRY(child_pt->map(p.value(), klib::move(m.value().frame), perms));
            }
        }
        return out;
    }));
    return AddressSpace(klib::move(child_pt), klib::move(cs));
}

klib::Result<void> AddressSpace::fault_in(u64 va, usize len, bool write) const {
    if (len == 0) {
        return {};
    }
    const u64 end = va + len;
    return state_.with([&](State& s) -> klib::Result<void> {
        for (u64 page = page_down(va); page < end; page += PAGE) {
            klib::Optional<keel::VmSpace::Mapping> m = pt_->query(page);
            if (m.has_value() && (!write || m.value().perms.write)) {
                continue;
            }
            if (fault_locked(s, page, Access{write, false}).is_err()) {
                return klib::Err(klib::Error::Fault);
            }
        }
        return {};
    });
}

klib::Result<void> AddressSpace::read_bytes(u64 va, klib::Span<u8> out) const {
    auto r = pt_->read_bytes(va, out);
    if (r.is_ok() || r.error() != klib::Error::Fault) {
        return r;
    }
    TRY(fault_in(va, out.size(), false));
    return pt_->read_bytes(va, out);
}

klib::Result<void> AddressSpace::write_bytes(u64 va, klib::Span<const u8> in) const {
    auto r = pt_->write_bytes(va, in);
    if (r.is_ok() || r.error() != klib::Error::Fault) {
        return r;
    }
    TRY(fault_in(va, in.size(), true));
    return pt_->write_bytes(va, in);
}

klib::Result<void> AddressSpace::zero_bytes(u64 va, usize len) const {
    auto r = pt_->zero_bytes(va, len);
    if (r.is_ok() || r.error() != klib::Error::Fault) {
        return r;
    }
    TRY(fault_in(va, len, true));
    return pt_->zero_bytes(va, len);
}

} // namespace services::mm
