// x86-64 4-level page-table manipulation, independent of how physical memory
// is reached, so the same code runs in the kernel (through the direct map)
// and in host unit tests (through a fake physical memory).
//
// `Mem` provides:
//   u64* table(u64 phys);               // the 512 entries of a table frame
//   klib::Optional<u64> alloc_table();  // a zeroed table frame, or none
//   void free_table(u64 phys);
#pragma once

#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>

namespace keel::mm {

namespace pte {
constexpr u64 PRESENT = 1ull << 0;
constexpr u64 WRITE = 1ull << 1;
constexpr u64 USER = 1ull << 2;
constexpr u64 PWT = 1ull << 3;
constexpr u64 PCD = 1ull << 4;
constexpr u64 ACCESSED = 1ull << 5;
constexpr u64 DIRTY = 1ull << 6;
constexpr u64 HUGE = 1ull << 7;
constexpr u64 GLOBAL = 1ull << 8;
constexpr u64 NX = 1ull << 63;
constexpr u64 ADDR_MASK = 0x000ffffffffff000ull;
constexpr u64 FLAG_MASK = NX | 0xfff;
} // namespace pte

enum class PageSize : u8 { Size4K = 0, Size2M = 1, Size1G = 2 };

constexpr u64 page_bytes(PageSize s) {
    return s == PageSize::Size4K ? 0x1000 : s == PageSize::Size2M ? 0x200000 : 0x40000000;
}

struct Mapping {
    u64 phys;  // physical address of the page frame (page-aligned)
    u64 flags; // leaf entry flags (HUGE stripped)
    PageSize size;
};

inline bool is_canonical(u64 va) {
    u64 top = va >> 47;
    return top == 0 || top == 0x1ffff;
}

template <typename Mem>
class PageTableOps {
public:
    explicit PageTableOps(Mem& mem) : mem_(mem) {}

    // Maps one page va -> pa. Fails with Exists if va (or a larger page
    // covering it) is already mapped, InvalidArgument if unaligned or
    // non-canonical, NoMemory if an intermediate table cannot be allocated.
    klib::Result<void> map(u64 root, u64 va, u64 pa, u64 flags, PageSize size) {
        const u64 bytes = page_bytes(size);
        if (!is_canonical(va) || (va & (bytes - 1)) || (pa & (bytes - 1)) ||
            (pa & ~pte::ADDR_MASK)) {
            return klib::Err(klib::Error::InvalidArgument);
        }
        const int leaf_level = int(size); // 0 = PT, 1 = PD, 2 = PDPT
        u64 table = root;
        for (int level = 3; level > leaf_level; --level) {
            u64* ents = mem_.table(table);
            u64& e = ents[index(va, level)];
            if (!(e & pte::PRESENT)) {
                auto fresh = mem_.alloc_table();
                if (!fresh.has_value()) {
                    return klib::Err(klib::Error::NoMemory);
                }
                // Intermediate entries are permissive; the leaf decides.
                e = fresh.value() | pte::PRESENT | pte::WRITE | (flags & pte::USER);
            } else if (e & pte::HUGE) {
                return klib::Err(klib::Error::Exists);
            } else if (flags & pte::USER) {
                e |= pte::USER;
            }
            table = e & pte::ADDR_MASK;
        }
        u64& leaf = mem_.table(table)[index(va, leaf_level)];
        if (leaf & pte::PRESENT) {
            return klib::Err(klib::Error::Exists);
        }
        leaf = pa | (flags & pte::FLAG_MASK & ~pte::HUGE) | pte::PRESENT |
               (size != PageSize::Size4K ? pte::HUGE : 0);
        return {};
    }

    // The mapping covering va, if any.
    klib::Optional<Mapping> query(u64 root, u64 va) const {
        if (!is_canonical(va)) {
            return klib::none;
        }
        u64 table = root;
        for (int level = 3; level >= 0; --level) {
            u64 e = mem_.table(table)[index(va, level)];
            if (!(e & pte::PRESENT)) {
                return klib::none;
            }
            if (level == 0 || (level <= 2 && (e & pte::HUGE))) {
                PageSize s = PageSize(level);
                u64 off_mask = page_bytes(s) - 1;
                return Mapping{(e & pte::ADDR_MASK) & ~off_mask, e & pte::FLAG_MASK & ~pte::HUGE,
                               s};
            }
            table = e & pte::ADDR_MASK;
        }
        return klib::none;
    }

    // Unmaps the page that starts at va; returns what was mapped. Frees
    // intermediate tables that become empty. The caller flushes the TLB.
    klib::Result<Mapping> unmap(u64 root, u64 va) {
        u64 tables[4];
        u64* slots[4];
        u64 table = root;
        for (int level = 3; level >= 0; --level) {
            u64* ents = mem_.table(table);
            u64& e = ents[index(va, level)];
            tables[level] = table;
            slots[level] = &e;
            if (!(e & pte::PRESENT)) {
                return klib::Err(klib::Error::NotFound);
            }
            if (level == 0 || (level <= 2 && (e & pte::HUGE))) {
                PageSize s = PageSize(level);
                if (va & (page_bytes(s) - 1)) {
                    return klib::Err(klib::Error::InvalidArgument);
                }
                Mapping m{e & pte::ADDR_MASK, e & pte::FLAG_MASK & ~pte::HUGE, s};
                e = 0;
                // Free now-empty intermediate tables, bottom-up (never root).
                for (int up = level; up < 3; ++up) {
                    // Kernel-half PDPTs are never freed: every address space
                    // shares them through copied PML4 entries.
                    if (!empty(tables[up]) || (up == 2 && (va >> 63) != 0)) {
                        break;
                    }
                    mem_.free_table(tables[up]);
                    *slots[up + 1] = 0;
                }
                return m;
            }
            table = e & pte::ADDR_MASK;
        }
        return klib::Err(klib::Error::NotFound);
    }

    // Replaces the flags of the page that starts at va.
    klib::Result<void> protect(u64 root, u64 va, u64 flags) {
        u64 table = root;
        for (int level = 3; level >= 0; --level) {
            u64& e = mem_.table(table)[index(va, level)];
            if (!(e & pte::PRESENT)) {
                return klib::Err(klib::Error::NotFound);
            }
            if (level == 0 || (level <= 2 && (e & pte::HUGE))) {
                u64 huge = e & pte::HUGE;
                e = (e & pte::ADDR_MASK) | (flags & pte::FLAG_MASK & ~pte::HUGE) | pte::PRESENT |
                    huge;
                return {};
            }
            table = e & pte::ADDR_MASK;
        }
        return klib::Err(klib::Error::NotFound);
    }

    // Points the present 4 KiB leaf at va to `pa` with `flags` in one store
    // (no window where the page is unmapped); returns the old mapping.
    // NotFound if va has no 4 KiB leaf. The caller flushes the TLB.
    klib::Result<Mapping> replace(u64 root, u64 va, u64 pa, u64 flags) {
        if (!is_canonical(va) || (va & 0xfff) || (pa & ~pte::ADDR_MASK)) {
            return klib::Err(klib::Error::InvalidArgument);
        }
        u64 table = root;
        for (int level = 3; level > 0; --level) {
            u64 e = mem_.table(table)[index(va, level)];
            if (!(e & pte::PRESENT) || (e & pte::HUGE)) {
                return klib::Err(klib::Error::NotFound);
            }
            table = e & pte::ADDR_MASK;
        }
        u64& leaf = mem_.table(table)[index(va, 0)];
        if (!(leaf & pte::PRESENT)) {
            return klib::Err(klib::Error::NotFound);
        }
        Mapping old{leaf & pte::ADDR_MASK, leaf & pte::FLAG_MASK, PageSize::Size4K};
        leaf = pa | (flags & pte::FLAG_MASK & ~pte::HUGE) | pte::PRESENT;
        return old;
    }
    // The first address >= va and < end inside a present leaf, skipping
    // absent subtrees whole (a sparse 1 GiB range costs a few reads).
    klib::Optional<u64> next_present(u64 root, u64 va, u64 end) const {
        while (va < end && is_canonical(va)) {
            u64 table = root;
            for (int level = 3; level >= 0; --level) {
                const u64 span = 1ull << (12 + 9 * level);
                const u64 e = mem_.table(table)[index(va, level)];
                if (!(e & pte::PRESENT)) {
                    const u64 next = (va & ~(span - 1)) + span;
                    if (next <= va) {
                        return klib::none;
                    }
                    va = next;
                    break;
                }
                if (level == 0 || (e & pte::HUGE)) {
                    return va;
                }
                table = e & pte::ADDR_MASK;
            }
        }
        return klib::none;
    }
    static u64 index(u64 va, int level) { return (va >> (12 + 9 * level)) & 511; }

private:
    bool empty(u64 table) const {
        u64* ents = mem_.table(table);
        for (int i = 0; i < 512; ++i) {
            if (ents[i] & pte::PRESENT) {
                return false;
            }
        }
        return true;
    }

    Mem& mem_;
};

} // namespace keel::mm
