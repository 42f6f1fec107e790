// ktests of demand paging, copy-on-write between forked spaces, file-backed
// and shared mappings, PROT_NONE and mremap -- with real user-mode page
// faults resolved by AddressSpace::handle_fault.
#include "address_space.h"

#include <keel/ktest.h>
#include <klib/vec.h>
#include <keel/user.h>
#include <klib/array.h>

namespace services::mm {

namespace {

constexpr u64 CODE = 0x400000;
constexpr u64 DATA = 0x600000;
constexpr u32 RW = PROT_READ | PROT_WRITE;

// movb %bl, 0x600000 ; movb 0x601000, %al ; syscall ; jmp back
constexpr klib::Array<u8, 18> CODE_BYTES = {0x88, 0x1c, 0x25, 0x00, 0x00, 0x60, 0x00, 0x8a, 0x04,
                                            0x25, 0x00, 0x10, 0x60, 0x00, 0x0f, 0x05, 0xeb, 0xee};

MapRequest fixed(u64 addr, u64 len, u32 prot) {
    MapRequest r;
    r.addr = addr;
    r.len = len;
    r.prot = prot;
    r.placement = Placement::Fixed;
    return r;
}

// A space with the code (a private file mapping of CODE_BYTES) and a lazy
// two-page data area.
AddressSpace code_space() {
    AddressSpace s = MUST(AddressSpace::create());
    MapRequest code = fixed(CODE, PAGE, PROT_READ | PROT_EXEC);
    code.backing = MUST(PageCache::from_bytes(CODE_BYTES.span()));
    MUST(s.map(klib::move(code)));
    MUST(s.map(fixed(DATA, 2 * PAGE, RW)));
    return s;
}

// Runs until the syscall, resolving page faults as the process loop does;
// returns the number of faults, or 100 + the vector of a fatal exception.
u64 run_to_syscall(const AddressSpace& s, keel::UserContext& ctx) {
    u64 faults = 0;
    for (;;) {
        const keel::UserExit why = s.enter(ctx);
        if (why == keel::UserExit::Syscall) {
            return faults;
        }
        if (why == keel::UserExit::Preempted) {
            continue;
        }
        const keel::UserException e = ctx.exception;
        if (e.vector != 14 || faults > 8) {
            return 100 + e.vector;
        }
        const Access a{(e.error_code & 2) != 0, (e.error_code & 16) != 0};
        if (s.handle_fault(e.fault_addr, a).is_err()) {
            return 100 + e.vector;
        }
        ++faults;
    }
}

keel::UserContext at_code(u8 value) {
    keel::UserContext ctx;
    ctx.regs.rip = CODE;
    ctx.regs.rsp = DATA + PAGE; // unused: the code never touches the stack
    ctx.regs.rbx = value;
    return ctx;
}

} // namespace

KTEST(mm_untouched_gib_allocates_nothing) {
    AddressSpace s = MUST(AddressSpace::create());
    const u64 before = keel::Frame::free_bytes();
    MapRequest r;
    r.len = 1ull << 30;
    r.prot = RW;
    r.high = 0x7f0000000000ull;
    const u64 at = MUST(s.map(klib::move(r)));
    KEXPECT_EQ(at, 0x7f0000000000ull - (1ull << 30)); // top-down
    KEXPECT_EQ(s.resident_pages(), u64(0));
    // No frame for the pages or the page tables (the area record is heap).
    KEXPECT_LE(before - keel::Frame::free_bytes(), u64(2 * PAGE));
    MUST(s.handle_fault(at + 5, Access{true, false}));
    MUST(s.handle_fault(at + (1ull << 29), Access{false, false}));
    MUST(s.write_val<u64>(at + (1ull << 30) - 8, 0x1234)); // copy_to_user faults in
    KEXPECT_EQ(s.resident_pages(), u64(3));
    KEXPECT_EQ(MUST(s.read_val<u64>(at + (1ull << 30) - 8)), u64(0x1234));
    KEXPECT_EQ(MUST(s.read_val<u64>(at + PAGE * 7)), u64(0)); // read faults in a zero page
    MUST(s.unmap(at, at + (1ull << 30)));
    KEXPECT_EQ(s.resident_pages(), u64(0));
    KEXPECT(s.read_val<u64>(at).error() == klib::Error::Fault);
}

KTEST(mm_faults_check_the_area_protection) {
    AddressSpace s = MUST(AddressSpace::create());
    MUST(s.map(fixed(DATA, PAGE, PROT_READ)));
    MUST(s.map(fixed(DATA + PAGE, PAGE, 0)));
    KEXPECT(s.handle_fault(DATA, Access{true, false}).error() == klib::Error::Fault);
    KEXPECT(s.handle_fault(DATA, Access{false, true}).error() == klib::Error::Fault);
    KEXPECT(s.handle_fault(DATA + PAGE, Access{false, false}).error() == klib::Error::Fault);
    KEXPECT(s.handle_fault(DATA + 2 * PAGE, Access{false, false}).error() == klib::Error::Fault);
    KEXPECT(s.write_val<u8>(DATA, 1).error() == klib::Error::Fault); // read-only: EFAULT
    MUST(s.handle_fault(DATA, Access{false, false}));
    KEXPECT_EQ(s.resident_pages(), u64(1));
    // Past the end of a file mapping's object: SIGBUS.
    const klib::Array<u8, 10> bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    MapRequest f = fixed(0x800000, 2 * PAGE, PROT_READ);
    f.backing = MUST(PageCache::from_bytes(bytes.span()));
    MUST(s.map(klib::move(f)));
    MUST(s.handle_fault(0x800000, Access{}));
    KEXPECT_EQ(MUST(s.read_val<u8>(0x800009)), u8(10));
    KEXPECT(s.handle_fault(0x801000, Access{}).error() == klib::Error::OutOfRange);
}

KTEST(mm_user_faults_are_resolved_by_services) {
    AddressSpace s = code_space();
    keel::UserContext ctx = at_code(0x41);
    // Fetch of the code page, write of DATA, read of DATA + PAGE.
    KEXPECT_EQ(run_to_syscall(s, ctx), u64(3));
    KEXPECT_EQ(MUST(s.read_val<u8>(DATA)), u8(0x41));
    KEXPECT_EQ(run_to_syscall(s, ctx), u64(0)); // all resident now
    // PROT_NONE keeps the contents but faults for good.
    MUST(s.protect(DATA, DATA + PAGE, 0));
    KEXPECT_EQ(run_to_syscall(s, ctx), u64(114));
    MUST(s.protect(DATA, DATA + PAGE, RW));
    KEXPECT_EQ(MUST(s.read_val<u8>(DATA)), u8(0x41));
    KEXPECT_EQ(run_to_syscall(s, ctx), u64(0));
}

KTEST(mm_fork_copies_on_write) {
    AddressSpace parent = code_space();
    MapRequest sh = fixed(0x700000, PAGE, RW);
    sh.shared = true;
    MUST(parent.map(klib::move(sh)));
    MUST(parent.write_val<u8>(0x700000, 's'));
    keel::UserContext pc = at_code('A');
    KASSERT(run_to_syscall(parent, pc) < 100);
    const u64 resident = parent.resident_pages();

    AddressSpace child = MUST(parent.fork());
    KEXPECT_EQ(child.area_count(), parent.area_count());
    KEXPECT_EQ(child.resident_pages(), resident); // shared, not copied
    KEXPECT_EQ(MUST(child.read_val<u8>(DATA)), u8('A'));
    const u64 before = keel::Frame::free_bytes();

    // The child writes: its own copy; the parent keeps 'A'.
    keel::UserContext cc = at_code('C');
    KEXPECT_EQ(run_to_syscall(child, cc), u64(1)); // one copy-on-write fault
    KEXPECT_EQ(MUST(child.read_val<u8>(DATA)), u8('C'));
    KEXPECT_EQ(MUST(parent.read_val<u8>(DATA)), u8('A'));
    KEXPECT_EQ(before - keel::Frame::free_bytes(), PAGE); // exactly one frame copied
    // The parent's page is its own again: writable in place, no copy.
    KEXPECT_EQ(run_to_syscall(parent, pc), u64(1));
    KEXPECT_EQ(before - keel::Frame::free_bytes(), PAGE);
    pc.regs.rbx = 'P';
    KEXPECT_EQ(run_to_syscall(parent, pc), u64(0));
    KEXPECT_EQ(MUST(parent.read_val<u8>(DATA)), u8('P'));
    KEXPECT_EQ(MUST(child.read_val<u8>(DATA)), u8('C'));
    // Kernel writes (copy_to_user) break COW too.
    MUST(child.write_val<u8>(DATA + PAGE, 'k'));
    KEXPECT_EQ(MUST(parent.read_val<u8>(DATA + PAGE)), u8(0));
    // Shared memory stays shared.
    MUST(child.write_val<u8>(0x700000, 'S'));
    KEXPECT_EQ(MUST(parent.read_val<u8>(0x700000)), u8('S'));
}

// Kernel copies right around fork: the parent's page-table translation
// cache (keel::VmSpace) was filled with a writable page before fork made it
// read-only; the next kernel write must break copy-on-write, not write the
// frame the child now shares.
KTEST(mm_fork_drops_cached_translations) {
    AddressSpace parent = MUST(AddressSpace::create());
    MUST(parent.map(fixed(DATA, PAGE, RW)));
    MUST(parent.write_val<u8>(DATA, 'p')); // faulted in, translation cached
    KEXPECT_EQ(MUST(parent.read_val<u8>(DATA)), u8('p'));
    for (int round = 0; round < 3; ++round) {
        AddressSpace child = MUST(parent.fork());
        MUST(parent.write_val<u8>(DATA, u8('q' + round)));
        KEXPECT_EQ(MUST(child.read_val<u8>(DATA)), u8(round == 0 ? 'p' : 'q' + round - 1));
        MUST(child.write_val<u8>(DATA + 1, 'c'));
        KEXPECT_EQ(MUST(parent.read_val<u8>(DATA + 1)), u8(0));
        KEXPECT_EQ(MUST(parent.read_val<u8>(DATA)), u8('q' + round));
    }
    // munmap then a fresh mapping at the same address reads zeros.
    MUST(parent.unmap(DATA, DATA + PAGE));
    KEXPECT(parent.read_val<u8>(DATA).is_err());
    MUST(parent.map(fixed(DATA, PAGE, RW)));
    KEXPECT_EQ(MUST(parent.read_val<u8>(DATA)), u8(0));
}

KTEST(mm_private_file_pages_copy_on_write_against_the_cache) {
    klib::Vec<u8> bytes = MUST(klib::Vec<u8>::with_capacity(PAGE + 16));
    for (usize i = 0; i < PAGE + 16; ++i) {
        MUST(bytes.try_push(i == PAGE + 3 ? u8('f') : u8(0)));
    }
    klib::Arc<PageCache> cache = MUST(PageCache::from_bytes(bytes.span()));
    AddressSpace s = MUST(AddressSpace::create());
    MapRequest r = fixed(0x900000, 2 * PAGE, RW);
    r.backing = cache.clone();
    MUST(s.map(klib::move(r)));
    KEXPECT_EQ(MUST(s.read_val<u8>(0x901003)), u8('f'));
    KEXPECT_EQ(cache->cached(), 1u); // the read mapped the cache's frame
    MUST(s.write_val<u8>(0x901003, 'w'));
    KEXPECT_EQ(MUST(s.read_val<u8>(0x901003)), u8('w'));
    keel::Frame cached = MUST(cache->page(1));
    KEXPECT_EQ(MUST(cached.read_val<u8>(3)), u8('f')); // the object is unchanged
    // MADV_DONTNEED drops the private copy: the file's byte is back.
    MUST(s.discard(0x900000, 0x902000));
    KEXPECT_EQ(MUST(s.read_val<u8>(0x901003)), u8('f'));
}

KTEST(mm_remap_moves_pages_and_parked_frames) {
    AddressSpace s = MUST(AddressSpace::create());
    MUST(s.map(fixed(0x1000000, 4 * PAGE, RW)));
    MUST(s.write_val<u8>(0x1000000, 'a'));
    MUST(s.write_val<u8>(0x1003000, 'd'));
    MUST(s.map(fixed(0x1004000, PAGE, PROT_READ))); // blocks growth in place
    KEXPECT(s.remap(0x1000000, 4 * PAGE, 8 * PAGE, false, klib::none).error() ==
            klib::Error::NoMemory);
    MUST(s.protect(0x1003000, 0x1004000, 0));
    // The old range now spans two areas: EFAULT, as Linux.
    KEXPECT(s.remap(0x1000000, 4 * PAGE, 8 * PAGE, true, klib::none).error() ==
            klib::Error::Fault);
    MUST(s.protect(0x1000000, 0x1003000, 0)); // one PROT_NONE area, all parked
    KEXPECT_EQ(s.resident_pages(), u64(0));
    const u64 to = MUST(s.remap(0x1000000, 4 * PAGE, 8 * PAGE, true, klib::none));
    KEXPECT_NE(to, u64(0x1000000));
    KEXPECT(s.read_val<u8>(0x1000000).error() == klib::Error::Fault);
    MUST(s.protect(to, to + 8 * PAGE, RW));
    KEXPECT_EQ(MUST(s.read_val<u8>(to)), u8('a'));
    KEXPECT_EQ(MUST(s.read_val<u8>(to + 3 * PAGE)), u8('d'));
    KEXPECT_EQ(MUST(s.read_val<u8>(to + 7 * PAGE)), u8(0));
    KEXPECT(s.remap(0x1000000, PAGE, PAGE, true, klib::none).error() == klib::Error::Fault);
    KEXPECT(s.remap(to, PAGE, 2 * PAGE, true, klib::Optional<u64>(to)).error() ==
            klib::Error::InvalidArgument);
}

} // namespace services::mm

namespace services::mm {

KTEST(mm_page_cache_of_existing_frames_is_shared) {
    // As the vDSO data page: one frame the kernel writes, mapped read-only
    // into every space.
    keel::Frame data = MUST(keel::Frame::alloc());
    MUST(data.write_val<u64>(0, 7));
    klib::Vec<keel::Frame> frames;
    MUST(frames.try_push(data.clone()));
    klib::Arc<PageCache> cache = MUST(PageCache::from_frames(klib::move(frames)));
    AddressSpace a = MUST(AddressSpace::create());
    AddressSpace b = MUST(AddressSpace::create());
    MapRequest ra = fixed(0x7ff000000000ull, PAGE, PROT_READ);
    ra.shared = true;
    ra.backing = cache.clone();
    MUST(a.map(klib::move(ra)));
    MapRequest rb = fixed(0x7ff000000000ull, PAGE, PROT_READ);
    rb.shared = true;
    rb.backing = cache.clone();
    MUST(b.map(klib::move(rb)));
    KEXPECT_EQ(MUST(a.read_val<u64>(0x7ff000000000ull)), u64(7));
    MUST(data.write_val<u64>(0, 8)); // the kernel updates it
    KEXPECT_EQ(MUST(a.read_val<u64>(0x7ff000000000ull)), u64(8));
    KEXPECT_EQ(MUST(b.read_val<u64>(0x7ff000000000ull)), u64(8));
    KEXPECT(a.write_val<u64>(0x7ff000000000ull, 1).error() == klib::Error::Fault);
    KEXPECT(a.handle_fault(0x7ff000001000ull, Access{}).error() == klib::Error::Fault);
}

} // namespace services::mm

namespace services::mm {

namespace {

struct ModelPage {
    bool mapped = false;
    u32 prot = 0;
    u8 value = 0;
};

u64 next_rand(u64& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

constexpr u64 WIN = 0x10000000;
constexpr usize NPAGES = 24;

// Every page reads as the model says (or faults), in this space.
bool matches(const AddressSpace& s, const klib::Array<ModelPage, NPAGES>& m) {
    for (usize i = 0; i < NPAGES; ++i) {
        auto r = s.read_val<u8>(WIN + i * PAGE + 7);
        const bool readable = m[i].mapped && m[i].prot != 0;
        if (r.is_ok() != readable || (readable && r.value() != m[i].value)) {
            return false;
        }
    }
    return true;
}

} // namespace

KTEST(mm_random_operations_match_a_model) {
    AddressSpace s = MUST(AddressSpace::create());
    klib::Array<ModelPage, NPAGES> m{};
    u64 seed = 0x9e3779b97f4a7c15ull;
    const klib::Array<u32, 4> prots = {0, PROT_READ, RW, RW | PROT_EXEC};
    u64 mismatches = 0;
    for (u32 step = 0; step < 3000; ++step) {
        const usize a = usize(next_rand(seed) % NPAGES);
        const usize n = 1 + usize(next_rand(seed) % (NPAGES - a < 6 ? NPAGES - a : 6));
        const u64 lo = WIN + a * PAGE;
        const u64 hi = lo + n * PAGE;
        bool all = true;
        for (usize i = a; i < a + n; ++i) {
            all = all && m[i].mapped;
        }
        switch (next_rand(seed) % 6) {
        case 0: { // mmap MAP_FIXED
            const u32 prot = prots[usize(next_rand(seed) % 4)];
            MUST(s.map(fixed(lo, n * PAGE, prot)));
            for (usize i = a; i < a + n; ++i) {
                m[i] = ModelPage{true, prot, 0};
            }
            break;
        }
        case 1: // munmap
            MUST(s.unmap(lo, hi));
            for (usize i = a; i < a + n; ++i) {
                m[i].mapped = false;
            }
            break;
        case 2: { // mprotect: all or nothing
            const u32 prot = prots[usize(next_rand(seed) % 4)];
            auto r = s.protect(lo, hi, prot);
            mismatches += r.is_ok() != all;
            for (usize i = a; all && i < a + n; ++i) {
                m[i].prot = prot;
            }
            break;
        }
        case 3: // MADV_DONTNEED: mapped parts dropped, holes reported
            mismatches += s.discard(lo, hi).is_ok() != all;
            for (usize i = a; i < a + n; ++i) {
                m[i].value = 0;
            }
            break;
        case 4: { // stores, from the kernel side (copy_to_user)
            for (usize i = a; i < a + n; ++i) {
                const u8 v = u8(next_rand(seed));
                const bool ok = s.write_val<u8>(WIN + i * PAGE + 7, v).is_ok();
                const bool writable = m[i].mapped && (m[i].prot & PROT_WRITE) != 0;
                mismatches += ok != writable;
                if (writable) {
                    m[i].value = v;
                }
            }
            break;
        }
        default: { // fork: the child sees the same; its writes stay its own
            AddressSpace child = MUST(s.fork());
            mismatches += !matches(child, m);
            for (usize i = 0; i < NPAGES; ++i) {
                (void)child.write_val<u8>(WIN + i * PAGE + 7, u8(0xee));
            }
            break;
        }
        }
        mismatches += !matches(s, m);
        if (mismatches != 0) {
            KEXPECT_EQ(step, u32(~0u)); // report the first failing step
            break;
        }
    }
    KEXPECT_EQ(mismatches, u64(0));
    KEXPECT_LE(s.resident_pages(), u64(NPAGES));
}

} // namespace services::mm

namespace services::mm {

KTEST(mm_move_assignment_replaces_the_whole_space) {
    // execve's swap: the target gets the source's areas and pages; its old
    // areas and pages are gone.
    AddressSpace target = MUST(AddressSpace::create());
    (void)MUST(target.map(fixed(0x400000, 2 * PAGE, PROT_READ | PROT_WRITE)));
    MUST(target.write_val<u64>(0x400000, 0x1111));
    AddressSpace source = MUST(AddressSpace::create());
    (void)MUST(source.map(fixed(0x800000, PAGE, PROT_READ | PROT_WRITE)));
    MUST(source.write_val<u64>(0x800000, 0x2222));
    target = klib::move(source);
    KEXPECT_EQ(target.area_count(), usize(1));
    KEXPECT_EQ(target.resident_pages(), u64(1));
    KEXPECT_EQ(MUST(target.read_val<u64>(0x800000)), u64(0x2222));
    KEXPECT(!target.overlaps(0x400000, 0x402000));
    KEXPECT(target.read_val<u64>(0x400000).is_err());
}

} // namespace services::mm
