// ktests of the page cache of a file (one per inode: its frames are what
// read/write and every mapping see), its budget, truncation, and the
// shared keys of mappings (futexes).
#include "address_space.h"

#include <keel/ktest.h>

namespace services::mm {

namespace {

// A budget of `limit` pages that counts what is charged.
class CountingBudget final : public PageBudget {
public:
    explicit CountingBudget(u64 limit) : limit_(limit), used_(0) {}
    klib::Result<void> charge(u64 pages) const override {
        const u64 limit = limit_;
        return used_.with([&](u64& u) -> klib::Result<void> {
            if (u + pages > limit) {
                return klib::Err(klib::Error::NoSpace);
            }
            u += pages;
            return {};
        });
    }
    void release(u64 pages) const override {
        used_.with([&](u64& u) { u -= pages; });
    }
    u64 used() const {
        return used_.with([](u64& u) { return u; });
    }

private:
    u64 limit_;
    keel::SpinLock<u64> used_;
};

u8 byte_at(const PageCache& c, u64 index, usize off) {
    klib::Optional<keel::Frame> f = c.peek(index);
    if (!f.has_value()) {
        return 0xee;
    }
    return MUST(f.value().read_val<u8>(off));
}

MapRequest at(u64 addr, u64 len, bool shared, const klib::Arc<PageCache>& c) {
    MapRequest r;
    r.addr = addr;
    r.len = len;
    r.prot = PROT_READ | PROT_WRITE;
    r.shared = shared;
    r.placement = Placement::Fixed;
    r.backing = c.clone();
    return r;
}

} // namespace

KTEST(page_cache_file_pages_are_charged_and_truncated) {
    klib::Arc<CountingBudget> budget = MUST(klib::Arc<CountingBudget>::make(8));
    klib::Optional<keel::Frame> kept; // as a mapping holds a page
    {
        klib::Arc<PageCache> c = MUST(PageCache::for_file(budget.clone_as<PageBudget>()));
        KEXPECT_EQ(c->size(), u64(0));
        KEXPECT(c->page(0).error() == klib::Error::OutOfRange); // past the end: SIGBUS
        for (u64 i = 0; i < 3; ++i) {
            keel::Frame f = MUST(c->page_to_write(i));
            MUST(f.write_val<u8>(PAGE - 1, u8('a' + i)));
        }
        c->extend(3 * PAGE);
        c->extend(PAGE); // never shrinks
        KEXPECT_EQ(c->size(), u64(3 * PAGE));
        KEXPECT_EQ(budget->used(), u64(3));
        KEXPECT_EQ(c->cached(), usize(3));
        // The same frame every time.
        keel::Frame again = MUST(c->page(1));
        KEXPECT_EQ(MUST(again.read_val<u8>(PAGE - 1)), u8('b'));
        kept = MUST(c->page(0));
        KEXPECT_EQ(kept.value().ref_count(), 2u); // the cache's and ours
        KEXPECT(!c->has(5));
        KEXPECT(c->next_held(1).value() == 1u);
        KEXPECT(!c->next_held(3).has_value());

        // Shrink into page 1: page 2 goes, page 1's tail is zeroed.
        c->truncate(PAGE + 10);
        KEXPECT_EQ(c->size(), u64(PAGE + 10));
        KEXPECT_EQ(c->cached(), usize(2));
        KEXPECT_EQ(budget->used(), u64(2));
        KEXPECT(c->page(2).error() == klib::Error::OutOfRange);
        KEXPECT_EQ(byte_at(*c, 1, PAGE - 1), u8(0));
        KEXPECT_EQ(MUST(again.read_val<u8>(PAGE - 1)), u8(0)); // the same frame
        // Growing again reads zeros from a new page.
        c->truncate(3 * PAGE);
        keel::Frame fresh = MUST(c->page(2));
        KEXPECT_EQ(MUST(fresh.read_val<u8>(PAGE - 1)), u8(0));
        KEXPECT_EQ(budget->used(), u64(3));
    }
    // The cache is gone: its pages and their charge with it (a page still
    // mapped lives on with its last holder).
    KEXPECT_EQ(budget->used(), u64(0));
    KEXPECT_EQ(kept.value().ref_count(), 1u);
}

KTEST(page_cache_budget_refusal_keeps_nothing) {
    const u64 free_before = keel::Frame::free_bytes();
    klib::Arc<CountingBudget> budget = MUST(klib::Arc<CountingBudget>::make(2));
    {
        klib::Arc<PageCache> c = MUST(PageCache::for_file(budget.clone_as<PageBudget>()));
        MUST(c->page_to_write(0));
        MUST(c->page_to_write(7));
        KEXPECT(c->page_to_write(3).error() == klib::Error::NoSpace);
        KEXPECT_EQ(c->cached(), usize(2));
        KEXPECT(!c->has(3));
        KEXPECT(c->next_held(1).value() == 7u);
    }
    KEXPECT_EQ(budget->used(), u64(0));
    KEXPECT_EQ(keel::Frame::free_bytes(), free_before);
}

KTEST(page_cache_shared_mappings_in_two_spaces_see_one_page) {
    klib::Arc<CountingBudget> budget = MUST(klib::Arc<CountingBudget>::make(16));
    klib::Arc<PageCache> c = MUST(PageCache::for_file(budget.clone_as<PageBudget>()));
    c->truncate(2 * PAGE);
    AddressSpace a = MUST(AddressSpace::create());
    AddressSpace b = MUST(AddressSpace::create());
    MUST(a.map(at(0x10000000, 2 * PAGE, true, c)));
    MUST(b.map(at(0x20000000, PAGE, true, c)));
    MUST(b.map(at(0x30000000, 2 * PAGE, false, c)));
    // A store in one space is in the cache and in the other space.
    MUST(a.write_val<u8>(0x10000010, 'x'));
    KEXPECT_EQ(byte_at(*c, 0, 0x10), u8('x'));
    KEXPECT_EQ(MUST(b.read_val<u8>(0x20000010)), u8('x'));
    // A write into the cache (write(2)) is in every mapping, private too
    // while the private page is not copied.
    keel::Frame f = MUST(c->page(0));
    MUST(f.write_val<u8>(0x20, 'w'));
    KEXPECT_EQ(MUST(a.read_val<u8>(0x10000020)), u8('w'));
    KEXPECT_EQ(MUST(b.read_val<u8>(0x30000020)), u8('w'));
    MUST(b.write_val<u8>(0x30000021, 'p')); // copy-on-write
    MUST(f.write_val<u8>(0x20, 'v'));
    KEXPECT_EQ(MUST(b.read_val<u8>(0x30000020)), u8('w'));
    KEXPECT_EQ(MUST(b.read_val<u8>(0x20000020)), u8('v'));
    KEXPECT_EQ(byte_at(*c, 0, 0x21), u8(0));
    // Past the end of the object: SIGBUS (OutOfRange), in both kinds.
    c->truncate(PAGE);
    KEXPECT(a.handle_fault(0x10001000, Access{}).error() == klib::Error::OutOfRange);
    KEXPECT(b.handle_fault(0x30001000, Access{}).error() == klib::Error::OutOfRange);

    // Shared keys: the same object and offset in both spaces.
    auto ka = MUST(a.shared_key(0x10000123));
    auto kb = MUST(b.shared_key(0x20000123));
    KASSERT(ka.has_value() && kb.has_value());
    KEXPECT_EQ(ka.value().object->id(), c->id());
    KEXPECT_EQ(kb.value().object->id(), c->id());
    KEXPECT_EQ(ka.value().offset, u64(0x123));
    KEXPECT_EQ(kb.value().offset, u64(0x123));
    KEXPECT_EQ(MUST(a.shared_key(0x10001008)).value().offset, u64(PAGE + 8));
    KEXPECT(!MUST(b.shared_key(0x30000000)).has_value()); // private
    KEXPECT(a.shared_key(0x50000000).error() == klib::Error::Fault);
    // Shared anonymous memory has a key too, distinct from the file's.
    MapRequest anon;
    anon.addr = 0x40000000;
    anon.len = PAGE;
    anon.prot = PROT_READ | PROT_WRITE;
    anon.shared = true;
    anon.placement = Placement::Fixed;
    MUST(a.map(klib::move(anon)));
    auto kn = MUST(a.shared_key(0x40000004));
    KASSERT(kn.has_value());
    KEXPECT_NE(kn.value().object->id(), c->id());
    KEXPECT_EQ(kn.value().offset, u64(4));
}

} // namespace services::mm

namespace services::mm {

// Truncation's unmap (Linux's unmap_mapping_range with even_cows): pages
// at or past the cut go from shared and private areas of the object, COW
// copies included; the partial last page and other objects' pages stay.
KTEST(page_cache_unmap_object_from_drops_pages_past_cut) {
    klib::Arc<PageCache> c = MUST(PageCache::anonymous(3 * PAGE));
    klib::Arc<PageCache> d = MUST(PageCache::anonymous(PAGE));
    AddressSpace a = MUST(AddressSpace::create());
    MUST(a.map(at(0x10000000, 3 * PAGE, true, c)));
    MUST(a.map(at(0x30000000, 3 * PAGE, false, c)));
    MUST(a.map(at(0x50000000, PAGE, true, d)));
    for (u64 i = 0; i < 3; ++i) {
        MUST(a.write_val<u8>(0x10000000 + i * PAGE, u8('s')));
    }
    MUST(a.read_val<u8>(0x30000000));
    MUST(a.read_val<u8>(0x30000000 + PAGE));
    MUST(a.write_val<u8>(0x30000000 + 2 * PAGE, u8('p'))); // a COW copy
    MUST(a.write_val<u8>(0x50000000, u8('d')));
    KEXPECT_EQ(a.resident_pages(), u64(7));
    a.unmap_object_from(c->id(), PAGE + 5); // keeps pages 0 and 1
    KEXPECT_EQ(a.resident_pages(), u64(5));
    KEXPECT_EQ(a.area_count(), usize(3)); // the areas stay
    KEXPECT_EQ(MUST(a.read_val<u8>(0x10000000 + PAGE)), u8('s'));
    KEXPECT_EQ(MUST(a.read_val<u8>(0x50000000)), u8('d'));
    // Not truncated yet: the next access maps the cache's page again (the
    // COW copy is gone).
    KEXPECT_EQ(MUST(a.read_val<u8>(0x30000000 + 2 * PAGE)), u8('s'));
    a.unmap_object_from(c->id(), 0);
    KEXPECT_EQ(a.resident_pages(), u64(1));
    KEXPECT_EQ(MUST(a.read_val<u8>(0x50000000)), u8('d'));
    // A truncated object faults past its end (SIGBUS).
    c->truncate(PAGE);
    KEXPECT(a.handle_fault(0x10000000 + PAGE, Access{}).error() == klib::Error::OutOfRange);
}

} // namespace services::mm
