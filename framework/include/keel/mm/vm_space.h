// User address spaces.
//
// A VmSpace is a set of user page mappings (below 0x0000_8000_0000_0000)
// plus the kernel half shared by every space. Only untyped frames can be
// mapped (a keel::Frame is the only way in), so user code can never reach
// kernel objects. The space owns a reference to every frame it maps; the
// frame returns to the allocator when the last reference (a Frame handle or
// a mapping) goes away, and never before the TLB entry is flushed.
//
// Services copy to and from user memory with read_bytes/write_bytes (and
// clear it with zero_bytes): the framework translates each page through the
// space's own page tables and copies through the kernel's direct map,
// honouring the user permissions (a write needs a writable page). An unmapped page is Error::Fault: demand
// paging and copy-on-write are the services' business (map, then retry).
//
// The framework never decides policy: it maps frames, changes permissions,
// replaces and removes mappings and flushes TLBs; which page goes where
// (lazy allocation, copy-on-write, file pages) is decided in services.
// Every method is const and thread-safe: the space synchronises internally
// (one lock per space, PreemptOff: never used from interrupt handlers), so
// the threads of a process can share one.
//
// Translation cache: read_bytes/write_bytes remember the last user page
// they translated (its leaf entry: frame and permissions) in the space, so
// a syscall that copies several small pieces to or from one page walks the
// page tables once. The cache is read, filled and dropped only under the
// space's lock, and every method that removes or changes a translation
// (unmap, unmap_range, protect, protect_range, replace) drops it in the same
// critical section, before the frame can be released: a copy can never use
// a frame the space no longer maps, on any CPU. map() only adds a
// translation, and the cache holds present pages only.
//
// TLB: a method that removes or weakens a translation flushes it on this
// CPU before it returns, and a frame whose mapping went away is released
// (or handed back) only after that flush. Only one CPU runs user code
// today; with SMP, every CPU that has the space loaded (a per-space CPU
// mask set by activate()) must be sent a shootdown IPI and acknowledge it
// before the same point -- unmap, unmap_range, replace, protect and
// protect_range are the places, and they batch one shootdown per call.
// A space not loaded on this CPU needs no flush: user pages are not global
// and loading CR3 drops them (with PCIDs, activate() would have to flush a
// space changed while it was not loaded).
#pragma once

#include <keel/mm/frame.h>
#include <keel/sync/spinlock.h>
#include <klib/annotations.h>
#include <klib/array.h>
#include <klib/optional.h>
#include <klib/pod.h>
#include <klib/result.h>
#include <klib/span.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// Page permissions as user code sees them. Reading is implied by any mapping.
struct VmPerms {
    bool write = false;
    bool exec = false;
};

class VmSpace {
public:
    static constexpr u64 USER_END = 0x0000800000000000ull; // first non-user address
    // Lowest mappable address (Linux's default vm.mmap_min_addr): the first
    // 64 KiB are never mapped, so a stray kernel null-pointer access (or a
    // jump to 0) can never reach user-controlled bytes, even without SMAP.
    static constexpr u64 USER_START = 0x10000;
    static constexpr u64 PAGE = Frame::SIZE;

    // A new space with no user mappings, or Error::NoMemory.
    static klib::Result<VmSpace> create();

    VmSpace(VmSpace&& o) noexcept;
    VmSpace(const VmSpace&) = delete;
    VmSpace& operator=(const VmSpace&) = delete;
    VmSpace& operator=(VmSpace&&) = delete;
    // Unmaps everything (releasing the frames) and frees the page tables. If
    // the space is active on this CPU, the kernel's own tables are loaded first.
    ~VmSpace();

    // Maps `frame` at page-aligned user address `va`. Errors: InvalidArgument
    // (unaligned, below USER_START or not a user address), Exists (already
    // mapped), NoMemory.
    klib::Result<void> map(u64 va, Frame frame, VmPerms perms) const;
    // Removes the mapping at `va` and hands the frame back (NotFound if none).
    klib::Result<Frame> unmap(u64 va) const;
    // Changes the permissions of the page at `va` (NotFound if unmapped).
    klib::Result<void> protect(u64 va, VmPerms perms) const;
    // Points the mapped page at `va` to `frame` with `perms` in one page-
    // table store, so no other user of the space ever sees the page absent
    // (copy-on-write breaks a shared page this way); returns the old frame
    // once the TLB no longer holds it. Errors: InvalidArgument, NotFound.
    klib::Result<Frame> replace(u64 va, Frame frame, VmPerms perms) const;

    // Range forms: [start, end) page-aligned user addresses (else
    // InvalidArgument). Absent page-table subtrees are skipped whole, so a
    // sparse range costs what is mapped in it, not its size.
    // Removes every mapping in the range, releasing the frames after the
    // TLB flush; returns how many pages were unmapped.
    klib::Result<u64> unmap_range(u64 start, u64 end) const;
    // Sets `perms` on every mapped page of the range; returns the count.
    klib::Result<u64> protect_range(u64 start, u64 end, VmPerms perms) const;
    // The lowest mapped page address in [start, end), if any (walks the
    // mappings of a range: fork, mincore).
    klib::Optional<u64> next_mapped(u64 start, u64 end) const;

    struct Mapping {
        Frame frame;
        VmPerms perms;
    };
    // The mapping covering `va`, with a new reference to its frame.
    klib::Optional<Mapping> query(u64 va) const;

    // Copies user memory [va, va + out.size()) out; Fault if any page is not
    // mapped, OutOfRange if the range leaves user space.
    klib::Result<void> read_bytes(u64 va, klib::Span<u8> out) const;
    // Copies into user memory; Fault if any page is unmapped or read-only.
    klib::Result<void> write_bytes(u64 va, klib::Span<const u8> in) const;
    // Stores `len` zero bytes at user memory [va, va + len) (read of
    // /dev/zero, clearing a partial page): only stores, no source to load.
    // Errors as write_bytes; on Fault the pages before the faulting one
    // may already be zeroed. Any context that may take the space's lock.
    klib::Result<void> zero_bytes(u64 va, usize len) const;

    template <klib::Pod T>
    klib::Result<T> read_val(u64 va) const {
        klib::Array<u8, sizeof(T)> buf{};
        TRY(read_bytes(va, buf.span()));
        return klib::from_bytes<T>(buf.span()).value();
    }
    // Writes the object representation of `v` (a padding-free Pod struct,
    // e.g. a Linux `struct stat`) to user memory in one copy, no heap.
    // Errors as write_bytes.
    template <klib::Pod T>
        requires(__has_unique_object_representations(T))
    klib::Result<void> write_val(u64 va, const T& v) const {
        auto bytes = klib::as_bytes(v);
        return write_bytes(va, bytes.span());
    }

    // Loads this space's page tables on this CPU (user mode runs in it).
    void activate() const;

    // Number of user pages mapped.
    u64 mapped_pages() const;

private:
    static constexpr u64 NO_PAGE = ~0ull; // an empty translation cache
    struct State {
        u64 root;
        u64 pages;
        u64 cached_va;  // page of the cached translation, or NO_PAGE
        u64 cached_pte; // its leaf entry (frame | flags)
    };
    explicit VmSpace(u64 root) : state_(State{root, 0, NO_PAGE, 0}) {}
    u64 root() const;
    enum class Op : u8 { Read, Write, Zero };
    klib::Result<void> copy(u64 va, usize len, Op op, klib::Span<u8> out,
                            klib::Span<const u8> in) const;
    static bool range_ok(u64 start, u64 end);

    SpinLock<State> state_;
    bool moved_ = false;
};

} // namespace keel

KLIB_TRUSTED_END
