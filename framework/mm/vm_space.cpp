// keel::VmSpace: user page tables over the shared kernel half.
#include <keel/mm/vm_space.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/init.h"
#include "mm/kernel_space.h"
#include "mm/page_table.h"
#include "mm/table_mem.h"

namespace keel {

namespace {

mm::TableMem g_tables;

u64 leaf_flags(VmPerms p) {
    u64 f = mm::pte::USER;
    if (p.write) {
        f |= mm::pte::WRITE;
    }
    if (!p.exec && arch::features().nx) {
        f |= mm::pte::NX;
    }
    return f;
}

VmPerms perms_of(u64 flags) {
    return VmPerms{(flags & mm::pte::WRITE) != 0, (flags & mm::pte::NX) == 0};
}

bool user_page(u64 va) {
    return (va & (VmSpace::PAGE - 1)) == 0 && va >= VmSpace::USER_START && va < VmSpace::USER_END;
}

bool is_active(u64 root) {
    return (arch::read_cr3() & mm::pte::ADDR_MASK) == root;
}

// Releases the user half of a page-table tree: every mapped frame loses the
// space's reference, every table frame is freed.
void release_user_half(u64 root) {
    u64* l4 = g_tables.table(root);
    for (u64 i4 = 0; i4 < 256; ++i4) {
        if (!(l4[i4] & mm::pte::PRESENT)) {
            continue;
        }
        u64 pdpt = l4[i4] & mm::pte::ADDR_MASK;
        u64* l3 = g_tables.table(pdpt);
        for (u64 i3 = 0; i3 < 512; ++i3) {
            if (!(l3[i3] & mm::pte::PRESENT)) {
                continue;
            }
            u64 pd = l3[i3] & mm::pte::ADDR_MASK;
            u64* l2 = g_tables.table(pd);
            for (u64 i2 = 0; i2 < 512; ++i2) {
                if (!(l2[i2] & mm::pte::PRESENT)) {
                    continue;
                }
                u64 pt = l2[i2] & mm::pte::ADDR_MASK;
                u64* l1 = g_tables.table(pt);
                for (u64 i1 = 0; i1 < 512; ++i1) {
                    if (l1[i1] & mm::pte::PRESENT) {
                        u64 pa = l1[i1] & mm::pte::ADDR_MASK;
                        l1[i1] = 0;
                        if (mm::frame_ref_dec(pa)) {
                            mm::free_frames(pa, 0);
                        }
                    }
                }
                g_tables.free_table(pt);
            }
            g_tables.free_table(pd);
        }
        g_tables.free_table(pdpt);
        l4[i4] = 0;
    }
}

} // namespace

klib::Result<VmSpace> VmSpace::create() {
    auto root = g_tables.alloc_table();
    if (!root.has_value()) {
        return klib::Err(klib::Error::NoMemory);
    }
    // The kernel half: every upper PML4 entry exists from boot on
    // (kernel_space_init pre-populates them), so sharing the entries shares
    // all present and future kernel mappings.
    u64* dst = g_tables.table(root.value());
    const u64* src = g_tables.table(mm::kernel_root());
    for (u64 i = 256; i < 512; ++i) {
        dst[i] = src[i];
    }
    return VmSpace(root.value());
}

VmSpace::VmSpace(VmSpace&& o) noexcept : state_(o.state_.with([](State& s) { return s; })) {
    o.moved_ = true;
}

VmSpace::~VmSpace() {
    if (moved_) {
        return;
    }
    u64 root = this->root();
    if (is_active(root)) {
        // SAFETY: the kernel's tables map everything the kernel uses.
        arch::write_cr3(mm::kernel_root());
    }
    release_user_half(root);
    g_tables.free_table(root);
}

u64 VmSpace::root() const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    return state_.with([](State& s) { return s.root; });
}

klib::Result<void> VmSpace::map(u64 va, Frame frame, VmPerms perms) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!user_page(va)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const u64 pa = frame.paddr();
    return state_.with([&](State& s) -> klib::Result<void> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        TRY(ops.map(s.root, va, pa, leaf_flags(perms), mm::PageSize::Size4K));
        // The handle's reference now belongs to the mapping.
        frame.pa_ = Frame::INVALID;
        ++s.pages;
        return {};
    });
}

klib::Result<Frame> VmSpace::unmap(u64 va) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!user_page(va)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    return state_.with([&](State& s) -> klib::Result<Frame> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        auto m = TRY(ops.unmap(s.root, va));
        s.cached_va = NO_PAGE;
        if (is_active(s.root)) {
            arch::invlpg(va);
        }
        --s.pages;
        // The mapping's reference moves into the returned handle, after the
        // TLB no longer holds the translation.
        return Frame(m.phys);
    });
}

klib::Result<void> VmSpace::protect(u64 va, VmPerms perms) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!user_page(va)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    return state_.with([&](State& s) -> klib::Result<void> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        TRY(ops.protect(s.root, va, leaf_flags(perms)));
        s.cached_va = NO_PAGE;
        if (is_active(s.root)) {
            arch::invlpg(va);
        }
        return {};
    });
}

klib::Result<Frame> VmSpace::replace(u64 va, Frame frame, VmPerms perms) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!user_page(va)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const u64 pa = frame.paddr();
    return state_.with([&](State& s) -> klib::Result<Frame> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        auto old = TRY(ops.replace(s.root, va, pa, leaf_flags(perms)));
        s.cached_va = NO_PAGE;
        // The handle's reference now belongs to the mapping.
        frame.pa_ = Frame::INVALID;
        if (is_active(s.root)) {
            arch::invlpg(va);
        }
        // The old mapping's reference moves into the returned handle, after
        // the flush (SMP: after the shootdown, see the header).
        return Frame(old.phys);
    });
}

bool VmSpace::range_ok(u64 start, u64 end) {
    return start <= end && (start & (PAGE - 1)) == 0 && (end & (PAGE - 1)) == 0 &&
           start >= USER_START && end <= USER_END;
}

klib::Result<u64> VmSpace::unmap_range(u64 start, u64 end) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!range_ok(start, end)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    return state_.with([&](State& s) -> klib::Result<u64> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        const bool active = is_active(s.root);
        s.cached_va = NO_PAGE;
        u64 count = 0;
        u64 va = start;
        for (;;) {
            auto next = ops.next_present(s.root, va, end);
            if (!next.has_value()) {
                break;
            }
            va = next.value();
            auto m = TRY(ops.unmap(s.root, va));
            if (active) {
                arch::invlpg(va);
            }
            --s.pages;
            ++count;
            // Released only after the translation is gone from the TLB.
            if (mm::frame_ref_dec(m.phys)) {
                mm::free_frames(m.phys, 0);
            }
            va += PAGE;
        }
        return count;
    });
}

klib::Result<u64> VmSpace::protect_range(u64 start, u64 end, VmPerms perms) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (!range_ok(start, end)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    return state_.with([&](State& s) -> klib::Result<u64> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        const bool active = is_active(s.root);
        s.cached_va = NO_PAGE;
        const u64 flags = leaf_flags(perms);
        u64 count = 0;
        u64 va = start;
        for (;;) {
            auto next = ops.next_present(s.root, va, end);
            if (!next.has_value()) {
                break;
            }
            va = next.value();
            TRY(ops.protect(s.root, va, flags));
            if (active) {
                arch::invlpg(va);
            }
            ++count;
            va += PAGE;
        }
        return count;
    });
}

klib::Optional<u64> VmSpace::next_mapped(u64 start, u64 end) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (start >= USER_END) {
        return klib::none;
    }
    if (end > USER_END) {
        end = USER_END;
    }
    return state_.with([&](State& s) -> klib::Optional<u64> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        auto v = ops.next_present(s.root, start & ~(PAGE - 1), end);
        if (!v.has_value()) {
            return klib::none;
        }
        return v.value() & ~(PAGE - 1);
    });
}

klib::Optional<VmSpace::Mapping> VmSpace::query(u64 va) const {
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (va >= USER_END) {
        return klib::none;
    }
    return state_.with([&](State& s) -> klib::Optional<Mapping> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        auto m = ops.query(s.root, va);
        if (!m.has_value()) {
            return klib::none;
        }
        mm::frame_ref_inc(m.value().phys);
        return Mapping{Frame(m.value().phys), perms_of(m.value().flags)};
    });
}

klib::Result<void> VmSpace::copy(u64 va, usize len, Op op, klib::Span<u8> out,
                                 klib::Span<const u8> in) const {
    const bool to_user = op != Op::Read;
    KLIB_CHECK(!moved_, "VmSpace: use after move");
    if (va >= USER_END || len > USER_END - va) {
        return klib::Err(klib::Error::OutOfRange);
    }
    return state_.with([&](State& s) -> klib::Result<void> {
        mm::PageTableOps<mm::TableMem> ops(g_tables);
        usize done = 0;
        while (done < len) {
            u64 cur = va + done;
            u64 page_off = cur & (PAGE - 1);
            usize chunk = PAGE - page_off;
            if (chunk > len - done) {
                chunk = len - done;
            }
            // The translation cache (see the header): valid while the lock
            // is held, dropped by every change of a translation.
            const u64 page = cur - page_off;
            u64 pte = s.cached_pte;
            if (page != s.cached_va) {
                auto m = ops.query(s.root, cur);
                if (!m.has_value() || m.value().size != mm::PageSize::Size4K) {
                    return klib::Err(klib::Error::Fault);
                }
                pte = m.value().phys | m.value().flags;
                s.cached_va = page;
                s.cached_pte = pte;
            }
            if (!(pte & mm::pte::USER) || (to_user && !(pte & mm::pte::WRITE))) {
                return klib::Err(klib::Error::Fault);
            }
            // SAFETY: the page is a mapped untyped frame of this space, held
            // by the mapping while the lock keeps it from being unmapped;
            // [page_off, page_off + chunk) lies within it and within the
            // caller's span (done + chunk <= len == span size; Zero has no
            // span and only stores into the frame).
            u8* frame = mm::phys_ptr<u8>(pte & mm::pte::ADDR_MASK);
            if (op == Op::Zero) {
                __builtin_memset(frame + page_off, 0, chunk);
            } else if (to_user) {
                __builtin_memcpy(frame + page_off, in.subspan(done, chunk).unsafe_data(), chunk);
            } else {
                __builtin_memcpy(out.subspan(done, chunk).unsafe_data(), frame + page_off, chunk);
            }
            done += chunk;
        }
        return {};
    });
}

klib::Result<void> VmSpace::read_bytes(u64 va, klib::Span<u8> out) const {
    return copy(va, out.size(), Op::Read, out, {});
}

klib::Result<void> VmSpace::write_bytes(u64 va, klib::Span<const u8> in) const {
    return copy(va, in.size(), Op::Write, {}, in);
}

klib::Result<void> VmSpace::zero_bytes(u64 va, usize len) const {
    return copy(va, len, Op::Zero, {}, {});
}

void VmSpace::activate() const {
    u64 root = this->root();
    if (!is_active(root)) {
        // SAFETY: the space shares the kernel half, so the kernel keeps
        // running unchanged; user mappings point only at untyped frames.
        arch::write_cr3(root);
    }
}

u64 VmSpace::mapped_pages() const {
    return state_.with([](State& s) { return s.pages; });
}

} // namespace keel
