// ktests for the VmSpace range primitives (unmap_range, protect_range,
// next_mapped, replace) and Frame::copy_from, including that each flushes
// the TLB: user code that ran with a translation cached must see the
// change at once.
#include "user_fixture.h"
#include <keel/ktest.h>
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <klib/array.h>

namespace services::selftest {

namespace {

using namespace fixture;
constexpr u64 PAGE = keel::VmSpace::PAGE;

// movb %bl, 0x600000 ; syscall ; jmp back to the start
constexpr klib::Array<u8, 11> STORE_LOOP = {0x88, 0x1c, 0x25, 0x00, 0x00, 0x60,
                                            0x00, 0x0f, 0x05, 0xeb, 0xf5};

u8 byte_at(const keel::Frame& f) {
    return MUST(f.read_val<u8>(0));
}

} // namespace

KTEST(vm_space_range_walk_skips_holes) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    const klib::Array<u64, 4> at = {0x10000000, 0x10001000, 0x30000000, 0x4ffff000};
    for (u64 va : at) {
        MUST(space.map(va, MUST(keel::Frame::alloc()), RW));
    }
    KEXPECT_EQ(space.next_mapped(0x10000, 0x7fff0000).value_or(0), u64(0x10000000));
    KEXPECT_EQ(space.next_mapped(0x10000800, 0x7fff0000).value_or(0), u64(0x10000000));
    KEXPECT_EQ(space.next_mapped(0x10002000, 0x7fff0000).value_or(0), u64(0x30000000));
    KEXPECT(!space.next_mapped(0x50000000, keel::VmSpace::USER_END).has_value());
    KEXPECT(!space.next_mapped(0x10002000, 0x30000000).has_value()); // end is exclusive

    KEXPECT_EQ(MUST(space.protect_range(0x10000000, 0x50000000, RO)), u64(4));
    KEXPECT(!space.query(0x4ffff000).value().perms.write);
    KEXPECT(space.protect_range(0x10000001, 0x50000000, RO).error() == klib::Error::InvalidArgument);
    KEXPECT(space.unmap_range(0x1000, 0x2000).error() == klib::Error::InvalidArgument);
    KEXPECT(space.unmap_range(0x20000, 0x10000).error() == klib::Error::InvalidArgument);

    keel::Frame held = space.query(0x30000000).value().frame.clone();
    const u64 before = keel::Frame::free_bytes();
    KEXPECT_EQ(MUST(space.unmap_range(0x10001000, 0x40000000)), u64(2));
    KEXPECT_EQ(space.mapped_pages(), u64(2));
    // One frame went back to the allocator; the held one survives.
    KEXPECT_GE(keel::Frame::free_bytes(), before + PAGE);
    KEXPECT_EQ(held.ref_count(), 1u);
    KEXPECT(space.query(0x10000000).has_value());
    KEXPECT(!space.query(0x30000000).has_value());
    // A 1 GiB range with nothing mapped costs no time to walk.
    KEXPECT_EQ(MUST(space.unmap_range(0x100000000, 0x140000000)), u64(0));
}

KTEST(vm_space_replace_swaps_in_one_step) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    keel::Frame a = MUST(keel::Frame::alloc());
    MUST(a.write_val<u8>(0, 'a'));
    MUST(space.map(DATA, a.clone(), RO));
    keel::Frame b = MUST(keel::Frame::alloc());
    MUST(b.write_val<u8>(0, 'b'));
    keel::Frame old = MUST(space.replace(DATA, klib::move(b), RW));
    KEXPECT_EQ(old.paddr(), a.paddr());
    KEXPECT_EQ(a.ref_count(), 2u); // `a` and `old`: the mapping let go
    KEXPECT_EQ(MUST(space.read_val<u8>(DATA)), u8('b'));
    KEXPECT(space.query(DATA).value().perms.write);
    KEXPECT_EQ(space.mapped_pages(), u64(1));
    KEXPECT(space.replace(DATA + PAGE, MUST(keel::Frame::alloc()), RW).error() ==
            klib::Error::NotFound);
    KEXPECT(space.replace(DATA + 1, MUST(keel::Frame::alloc()), RW).error() ==
            klib::Error::InvalidArgument);
}

KTEST(frame_copy_from_copies_every_byte) {
    keel::Frame src = MUST(keel::Frame::alloc());
    MUST(src.write_val<u64>(0, 0x1122334455667788ull));
    MUST(src.write_val<u64>(keel::Frame::SIZE - 8, 0x99));
    keel::Frame dst = MUST(keel::Frame::alloc());
    dst.copy_from(src);
    KEXPECT_EQ(MUST(dst.read_val<u64>(0)), 0x1122334455667788ull);
    KEXPECT_EQ(MUST(dst.read_val<u64>(keel::Frame::SIZE - 8)), u64(0x99));
    keel::Frame alias = src.clone();
    src.copy_from(alias); // onto itself: unchanged
    KEXPECT_EQ(MUST(src.read_val<u64>(0)), 0x1122334455667788ull);
}

KTEST(vm_space_range_ops_flush_the_tlb) {
    keel::VmSpace space = space_with(STORE_LOOP.span());
    keel::UserContext ctx = ctx_at_code();
    ctx.regs.rbx = 0x5a;
    // The store runs once: DATA's writable translation is now cached.
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(MUST(space.read_val<u8>(DATA)), u8(0x5a));

    // Read-only now: the very next store must fault (present, write, user).
    KEXPECT_EQ(MUST(space.protect_range(DATA, DATA + PAGE, RO)), u64(1));
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.vector, u64(14));
    KEXPECT_EQ(ctx.exception.error_code, u64(7));
    KEXPECT_EQ(ctx.exception.fault_addr, DATA);

    // Writable again, then a new frame swapped in: the store lands there.
    MUST(space.protect(DATA, RW));
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    keel::Frame fresh = MUST(keel::Frame::alloc());
    keel::Frame old = MUST(space.replace(DATA, fresh.clone(), RW));
    MUST(old.write_val<u8>(0, 0));
    ctx.regs.rbx = 0x77;
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Syscall);
    KEXPECT_EQ(byte_at(fresh), u8(0x77));
    KEXPECT_EQ(byte_at(old), u8(0)); // no write through a stale entry

    // Gone: not present.
    KEXPECT_EQ(MUST(space.unmap_range(DATA, DATA + PAGE)), u64(1));
    KASSERT(keel::execute_user(space, ctx) == keel::UserExit::Exception);
    KEXPECT_EQ(ctx.exception.error_code, u64(6)); // write, user, not present
    KEXPECT_EQ(byte_at(fresh), u8(0x77));
    KEXPECT_EQ(fresh.ref_count(), 1u);
}

} // namespace services::selftest

namespace services::selftest {

// The translation cache (vm_space.h): a copy right after a change of the
// page it last translated must see the change, never the old frame.
KTEST(vm_space_copy_cache_never_returns_an_unmapped_frame) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    constexpr u64 VA = 0x20000000;
    MUST(space.map(VA, MUST(keel::Frame::alloc()), RW));
    MUST(space.write_val<u8>(VA + 5, u8('a'))); // caches VA
    keel::Frame old = MUST(space.unmap(VA));
    KEXPECT(space.write_val<u8>(VA + 5, u8('b')).error() == klib::Error::Fault);
    KEXPECT(space.read_val<u8>(VA + 5).error() == klib::Error::Fault);
    KEXPECT_EQ(MUST(old.read_val<u8>(5)), u8('a'));
    // A new frame at the same address: copies reach it, not the old one.
    keel::Frame fresh = MUST(keel::Frame::alloc());
    MUST(space.map(VA, fresh.clone(), RW));
    MUST(space.write_val<u8>(VA + 5, u8('c')));
    KEXPECT_EQ(MUST(fresh.read_val<u8>(5)), u8('c'));
    KEXPECT_EQ(MUST(old.read_val<u8>(5)), u8('a'));
    KEXPECT_EQ(MUST(space.read_val<u8>(VA + 5)), u8('c'));

    // replace: the next copy reaches the new frame.
    keel::Frame third = MUST(keel::Frame::alloc());
    keel::Frame back = MUST(space.replace(VA, third.clone(), RW));
    MUST(space.write_val<u8>(VA + 5, u8('d')));
    KEXPECT_EQ(MUST(third.read_val<u8>(5)), u8('d'));
    KEXPECT_EQ(MUST(back.read_val<u8>(5)), u8('c'));

    // protect: a cached writable page made read-only refuses writes at once.
    MUST(space.write_val<u8>(VA, u8(1)));
    MUST(space.protect(VA, RO));
    KEXPECT(space.write_val<u8>(VA, u8(2)).error() == klib::Error::Fault);
    KEXPECT_EQ(MUST(space.read_val<u8>(VA)), u8(1));
    MUST(space.protect(VA, RW));
    MUST(space.write_val<u8>(VA, u8(3)));
    KEXPECT_EQ(MUST(third.read_val<u8>(0)), u8(3));

    // The range forms drop it too.
    MUST(space.protect_range(VA, VA + PAGE, RO));
    KEXPECT(space.write_val<u8>(VA, u8(4)).error() == klib::Error::Fault);
    MUST(space.read_val<u8>(VA));
    KEXPECT_EQ(MUST(space.unmap_range(VA, VA + PAGE)), u64(1));
    KEXPECT(space.read_val<u8>(VA).error() == klib::Error::Fault);
    KEXPECT_EQ(third.ref_count(), 1u); // the space let go of it
}

// A copy that spans two pages translates each (the cache holds one page),
// and a cache filled in one space is never used by another.
KTEST(vm_space_copy_cache_is_per_page_and_per_space) {
    keel::VmSpace a = MUST(keel::VmSpace::create());
    keel::VmSpace b = MUST(keel::VmSpace::create());
    constexpr u64 VA = 0x20000000;
    keel::Frame fa0 = MUST(keel::Frame::alloc());
    keel::Frame fa1 = MUST(keel::Frame::alloc());
    keel::Frame fb0 = MUST(keel::Frame::alloc());
    MUST(a.map(VA, fa0.clone(), RW));
    MUST(a.map(VA + PAGE, fa1.clone(), RW));
    MUST(b.map(VA, fb0.clone(), RW));
    const klib::Array<u8, 4> w = {1, 2, 3, 4};
    MUST(a.write_bytes(VA + PAGE - 2, w.span()));
    KEXPECT_EQ(MUST(fa0.read_val<u8>(PAGE - 1)), u8(2));
    KEXPECT_EQ(MUST(fa1.read_val<u8>(0)), u8(3));
    MUST(b.write_val<u8>(VA, u8(9)));
    KEXPECT_EQ(MUST(fb0.read_val<u8>(0)), u8(9));
    KEXPECT_EQ(MUST(fa0.read_val<u8>(0)), u8(0));
    // b has no second page: the tail of a copy there faults.
    KEXPECT(b.write_bytes(VA + PAGE - 2, w.span()).error() == klib::Error::Fault);
    // Unmapping the second page of a ends copies into it, while the first
    // page (translated just before) keeps working.
    MUST(a.read_val<u8>(VA + PAGE));
    (void)MUST(a.unmap(VA + PAGE));
    KEXPECT(a.write_bytes(VA + PAGE - 2, w.span()).error() == klib::Error::Fault);
    MUST(a.write_val<u8>(VA, u8(7)));
    KEXPECT_EQ(MUST(fa0.read_val<u8>(0)), u8(7));
}

// zero_bytes stores zeros over exactly [va, va + len), across pages, honours
// write permission and the translation cache, and faults on a hole.
KTEST(vm_space_zero_bytes_clears_exactly_the_range) {
    keel::VmSpace space = MUST(keel::VmSpace::create());
    constexpr u64 VA = 0x20000000;
    keel::Frame f0 = MUST(keel::Frame::alloc());
    keel::Frame f1 = MUST(keel::Frame::alloc());
    MUST(space.map(VA, f0.clone(), RW));
    MUST(space.map(VA + PAGE, f1.clone(), RW));
    const klib::Array<u8, 64> ones = [] {
        klib::Array<u8, 64> a{};
        for (usize i = 0; i < a.size(); ++i) {
            a[i] = u8(0xa0 + i);
        }
        return a;
    }();
    for (u64 at = 0; at < 2 * PAGE; at += ones.size()) {
        MUST(space.write_bytes(VA + at, ones.span()));
    }
    // From 3 bytes before the end of page 0 to 5 bytes into page 1.
    MUST(space.zero_bytes(VA + PAGE - 3, 8));
    KEXPECT_EQ(MUST(f0.read_val<u8>(PAGE - 4)), u8(0xa0 + 60));
    KEXPECT_EQ(MUST(f0.read_val<u8>(PAGE - 3)), u8(0));
    KEXPECT_EQ(MUST(f0.read_val<u8>(PAGE - 1)), u8(0));
    KEXPECT_EQ(MUST(f1.read_val<u8>(4)), u8(0));
    KEXPECT_EQ(MUST(f1.read_val<u8>(5)), u8(0xa5));
    // A whole page, and zero bytes (nothing, even at an unmapped address).
    MUST(space.zero_bytes(VA + PAGE, PAGE));
    KEXPECT_EQ(MUST(f1.read_val<u8>(PAGE - 1)), u8(0));
    MUST(space.zero_bytes(VA + 16 * PAGE, 0));
    // A hole after the mapped pages: Fault; the mapped part may be cleared.
    MUST(space.write_val<u8>(VA + 10, u8(1)));
    KEXPECT(space.zero_bytes(VA + 2 * PAGE - 1, 2).error() == klib::Error::Fault);
    KEXPECT_EQ(MUST(f0.read_val<u8>(10)), u8(1));
    // Read-only pages refuse it, even when the translation is cached.
    MUST(space.read_val<u8>(VA + 10));
    MUST(space.protect(VA, RO));
    KEXPECT(space.zero_bytes(VA + 10, 1).error() == klib::Error::Fault);
    KEXPECT_EQ(MUST(f0.read_val<u8>(10)), u8(1));
    // Unmapped after being cached: Fault, the old frame untouched.
    MUST(space.protect(VA, RW));
    MUST(space.zero_bytes(VA + 20, 1));
    keel::Frame old = MUST(space.unmap(VA));
    KEXPECT(space.zero_bytes(VA + 10, 1).error() == klib::Error::Fault);
    KEXPECT_EQ(MUST(old.read_val<u8>(10)), u8(1));
    // Outside user space.
    KEXPECT(space.zero_bytes(keel::VmSpace::USER_END - 1, 2).error() == klib::Error::OutOfRange);
    KEXPECT(space.zero_bytes(~u64(0), 1).error() == klib::Error::OutOfRange);
}

} // namespace services::selftest
