// A process's address space: its areas (vma.h) over a keel::VmSpace (the
// page tables). All policy lives here: mmap reserves an area and maps
// nothing; the first touch of a page faults, and handle_fault allocates a
// zero page, takes a page of the backing object, or breaks copy-on-write.
// fork() shares every private page read-only between the two spaces.
//
// Every method is const and takes the space's lock, so the threads of a
// process can share one AddressSpace (Arc) on any CPU. Lock order: this
// lock, then the VmSpace's, then the frame allocator's. The lock is a spin
// lock: a backing object whose fill can sleep (a disk file) needs it to
// become a sleeping lock first.
//
// PROT_NONE: x86 cannot deny reads on a present page, so a page made
// inaccessible is unmapped and its frame parked in the space; mprotect back
// to an accessible mode maps it again (contents kept, as on Linux).
#pragma once

#include "vma.h"
#include <keel/mm/vm_space.h>
#include <keel/user.h>
#include <keel/sync/spinlock.h>
#include <klib/array.h>
#include <klib/box.h>
#include <klib/pod.h>
#include <klib/result.h>
#include <klib/span.h>

namespace services::mm {

// What a faulting access wanted (from the #PF error code).
struct Access {
    bool write = false;
    bool exec = false;
};

// What a user address in a shared mapping designates, the same in every
// process that maps the object (Linux's shared futex key): the object
// (object->id() names it; holding the Arc keeps the id from being reused)
// and the byte offset in it.
struct SharedKey {
    klib::Arc<PageCache> object;
    u64 offset = 0;
};

enum class Placement : u8 {
    Hint,           // `addr` is a hint; any free range if it is taken
    Fixed,          // exactly `addr`, replacing what was there (MAP_FIXED)
    FixedNoReplace, // exactly `addr`, Exists if anything is there
};

struct MapRequest {
    u64 addr = 0; // hint or fixed address
    u64 len = 0;  // page-aligned, > 0
    u32 prot = 0;
    bool shared = false;
    Placement placement = Placement::Hint;
    klib::Optional<klib::Arc<PageCache>> backing; // none: anonymous
    u64 offset = 0;                               // page-aligned, in backing
    // Where Placement::Hint searches (top-down), page-aligned.
    u64 low = keel::VmSpace::USER_START;
    u64 high = keel::VmSpace::USER_END;
};

class AddressSpace {
public:
    static klib::Result<AddressSpace> create();
    // Moving is for handing a new space to its owner (before any thread
    // runs in it); threads that share a space will share it through an Arc.
    AddressSpace(AddressSpace&& o);
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;
    // execve: this space becomes `o` (built whole beforehand); the old
    // areas, pages and page tables are released (the kernel's tables are
    // loaded first if the old ones were active).
    AddressSpace& operator=(AddressSpace&& o);

    // Runs `ctx` in user mode in this space (keel::execute_user).
    keel::UserExit enter(keel::UserContext& ctx) const { return keel::execute_user(*pt_, ctx); }

    // Resolves a user page fault at `addr`. Ok: the access can be retried.
    // Fault: no area allows it (SIGSEGV); OutOfRange: past the end of the
    // backing object or NoSpace: no room for a tmpfs page (SIGBUS); NoMemory.
    klib::Result<void> handle_fault(u64 addr, Access access) const;

    // Creates an area (nothing is mapped until touched); returns its
    // start. Errors: Exists (FixedNoReplace over an area), NoMemory (no
    // free range; a Hint range outside [USER_START, USER_END)),
    // InvalidArgument (a fixed range outside user space).
    klib::Result<u64> map(MapRequest req) const;
    // Removes [start, end) (page-aligned) from every area and unmaps it.
    klib::Result<void> unmap(u64 start, u64 end) const;
    // mprotect: NoMemory when [start, end) is not entirely inside areas
    // (nothing is changed then).
    klib::Result<void> protect(u64 start, u64 end, u32 prot) const;
    // mremap of [old, old + old_len) (page-aligned lengths) to new_len, in
    // place or moved when `may_move` (searching [low, high) top-down); at
    // `fixed` when set (the range there is replaced). old_len == 0 makes a
    // second mapping of a shared area. Errors: Fault (the old range is not
    // inside one area: EFAULT), NoMemory (cannot grow in place and may not
    // move, or no room), InvalidArgument (fixed overlaps the old range;
    // old_len == 0 on a private area).
    klib::Result<u64> remap(u64 old, u64 old_len, u64 new_len, bool may_move,
                            klib::Optional<u64> fixed, u64 low = keel::VmSpace::USER_START,
                            u64 high = keel::VmSpace::USER_END) const;
    // MADV_DONTNEED: drops the pages of [start, end); private anonymous
    // memory reads back as zeros, file and shared memory as the object.
    // NoMemory when the range is not entirely inside areas (the pages of
    // the areas inside it are dropped all the same, as Linux does).
    klib::Result<void> discard(u64 start, u64 end) const;
    // MAP_POPULATE: faults in every page of [start, end) that the areas
    // allow (writable pages for writing); errors are ignored, as Linux.
    void populate(u64 start, u64 end) const;
    // mincore: out[i] = 1 when page i of [start, ...) is resident.
    // NoMemory when the range is not entirely inside areas.
    klib::Result<void> residency(u64 start, klib::Span<u8> out) const;

    // A copy of this space for fork: the same areas; shared areas share
    // their pages, private pages are shared read-only by both spaces and
    // copied on the first write in either. Errors: NoMemory.
    klib::Result<AddressSpace> fork() const;

    // The shared identity of user address `addr` (futex keys): Some when
    // it is in a MAP_SHARED area (file, shared anonymous, /dev/zero), none
    // in a private area (whose key is this space and the address). Fault:
    // no area there.
    klib::Result<klib::Optional<SharedKey>> shared_key(u64 addr) const;
    // Truncation of object `object_id` (PageCache::id) to `size` bytes:
    // unmaps, in every area backed by it, the pages whose offset in the
    // object is at or past `size` rounded up to a page (Linux's
    // unmap_mapping_range with even_cows: private copies go too), so the
    // next access faults (SIGBUS past the end). Takes this space's lock:
    // the caller must not hold the object's.
    void unmap_object_from(u64 object_id, u64 size) const;

    bool overlaps(u64 start, u64 end) const;
    bool covers(u64 start, u64 end) const;
    // Number of areas (tests) and of pages mapped in the page tables.
    usize area_count() const;
    // A copy of every area, in address order (/proc/PID/maps). NoMemory.
    klib::Result<klib::Vec<Vma>> areas() const;
    u64 resident_pages() const { return pt_->mapped_pages(); }

    // Copies between kernel buffers and user memory, as keel::VmSpace's, but
    // a page not yet touched is faulted in first (as Linux's copy_to_user).
    // Fault when part of the range is not accessible that way.
    klib::Result<void> read_bytes(u64 va, klib::Span<u8> out) const;
    klib::Result<void> write_bytes(u64 va, klib::Span<const u8> in) const;
    // Stores `len` zeros (keel::VmSpace::zero_bytes), faulting pages in.
    klib::Result<void> zero_bytes(u64 va, usize len) const;
    template <klib::Pod T>
    klib::Result<T> read_val(u64 va) const {
        klib::Array<u8, sizeof(T)> buf{};
        TRY(read_bytes(va, buf.span()));
        return klib::from_bytes<T>(buf.span()).value();
    }
    template <klib::Pod T>
        requires(__has_unique_object_representations(T))
    klib::Result<void> write_val(u64 va, const T& v) const {
        auto bytes = klib::as_bytes(v);
        return write_bytes(va, bytes.span());
    }

private:
    struct Parked {
        u64 va{};
        keel::Frame frame;
    };
    struct State {
        VmaSet vmas;
        klib::Vec<Parked> parked; // frames of PROT_NONE pages, by address
    };
    AddressSpace(klib::Box<keel::VmSpace> pt, State s) : pt_(klib::move(pt)), state_(klib::move(s)) {}

    klib::Result<void> fault_locked(State& s, u64 addr, Access access) const;
    klib::Result<void> unmap_locked(State& s, u64 start, u64 end) const;
    static void drop_parked(State& s, u64 start, u64 end);
    klib::Result<void> fault_in(u64 va, usize len, bool write) const;

    klib::Box<keel::VmSpace> pt_; // boxed so that execve can replace it
    keel::SpinLock<State> state_;
};

} // namespace services::mm
