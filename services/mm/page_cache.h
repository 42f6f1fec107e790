// The pages of a memory object: a file (one cache per inode, as Linux's
// address_space), shared anonymous memory, or fixed frames (the vDSO).
// Page number i is one frame, made on first use; every mapping of the
// object and every read(2)/write(2) of a file goes through these frames, so
// they all see the same bytes.
//
// Kinds of object:
//  - a file whose cache IS its storage (tmpfs, made by `for_file`): holes
//    are zero pages made on first use, each page held is charged to the
//    file system's PageBudget, write(2) grows the size, truncation drops
//    the pages past the end;
//  - a copy of some bytes or of a file system with no cache of its own
//    (`with_fill`/`from_bytes`): pages are filled on first use;
//  - shared anonymous memory (`anonymous`): zero pages;
//  - existing frames (`from_frames`).
//
// Private mappings map the cache's frames read-only and copy on the first
// write (copy-on-write against the cache); shared mappings map them
// writable, so every mapper sees every write. Frames live as long as the
// cache or a mapping holds them: a cache dies with its inode and the last
// mapping (its pages go back to the allocator and the budget then).
#pragma once

#include <keel/mm/frame.h>
#include <keel/sync/spinlock.h>
#include <klib/arc.h>
#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/vec.h>

namespace services::mm {

// Who pays for the pages of a file cache (a tmpfs instance's size limit).
class PageBudget {
public:
    virtual ~PageBudget() = default;
    // NoSpace when the limit does not allow `pages` more.
    virtual klib::Result<void> charge(u64 pages) const = 0;
    virtual void release(u64 pages) const = 0;
};

class PageCache {
public:
    // Fills `frame` (zeroed) with bytes [offset, offset + PAGE) of the
    // object; bytes past its end stay zero.
    using Fill = klib::Function<klib::Result<void>(u64 offset, keel::Frame& frame) const>;

    // Shared anonymous memory of `size` bytes: zero pages on first use.
    static klib::Result<klib::Arc<PageCache>> anonymous(u64 size);
    // An object of `size` bytes whose pages come from `fill`.
    static klib::Result<klib::Arc<PageCache>> with_fill(u64 size, Fill fill);
    // A copy of `bytes` (e.g. an executable in the initramfs), filled page
    // by page on first use from a private copy of the bytes.
    static klib::Result<klib::Arc<PageCache>> from_bytes(klib::Span<const u8> bytes);
    // An object made of existing frames (page i is frames[i]), e.g. the
    // vDSO image and its data page, shared by every process that maps it.
    static klib::Result<klib::Arc<PageCache>> from_frames(klib::Vec<keel::Frame> frames);
    // The cache of an empty file that keeps its data here (tmpfs): zero
    // pages, each page held charged to `budget`.
    static klib::Result<klib::Arc<PageCache>> for_file(klib::Arc<PageBudget> budget);

    PageCache(u64 size, klib::Optional<Fill> fill, klib::Optional<klib::Arc<PageBudget>> budget);
    ~PageCache();
    PageCache(const PageCache&) = delete;
    PageCache& operator=(const PageCache&) = delete;

    // The frame of page `index` (a new handle; the cache keeps its own),
    // made if missing. Errors: OutOfRange when the page starts at or past
    // the object's end (a mapping's access there is SIGBUS), NoMemory,
    // NoSpace (the budget), the fill's errors.
    klib::Result<keel::Frame> page(u64 index) const;
    // As page(), past the end too (write(2) extending a file; the size is
    // the caller's to grow with extend()).
    klib::Result<keel::Frame> page_to_write(u64 index) const;
    // The frame of page `index` if held (read(2) of a hole needs none).
    klib::Optional<keel::Frame> peek(u64 index) const;
    // Whether page `index` is held (mincore of a file or shared mapping).
    bool has(u64 index) const;
    // The first held page at or after `index` (SEEK_DATA), if any.
    klib::Optional<u64> next_held(u64 index) const;

    u64 size() const;
    // Grows the size to `size` if smaller (write(2) past the end).
    void extend(u64 size) const;
    // Sets the size (ftruncate): pages past the new end are dropped from
    // the cache (and their charge released), the tail of the last page
    // zeroed, so the bytes read back as zeros if the file grows again.
    // If the cache was ever mapped, every address space then unmaps the
    // pages past the new end (space_walk.h), as Linux's truncate_pagecache:
    // the next access there is SIGBUS, or a fresh zero page after regrowth.
    // Lock order: the cache's lock is dropped before any space's is taken
    // (a fault takes the space's, then the cache's).
    void truncate(u64 size) const;
    // An address space maps (part of) this object: truncation must then
    // look for its pages in every space.
    void note_mapped() const;

    // A number no other cache has had (futex keys, tests).
    u64 id() const { return id_; }
    // Pages currently held.
    usize cached() const;

private:
    struct Entry {
        u64 index{};
        keel::Frame frame;
    };
    struct State {
        klib::Vec<Entry> pages; // sorted by index
        u64 size = 0;
        bool mapped = false; // ever mapped by an address space
    };
    static usize lower_bound(const klib::Vec<Entry>& v, u64 index);
    klib::Result<keel::Frame> get(u64 index, bool past_end) const;

    klib::Optional<Fill> fill_;
    klib::Optional<klib::Arc<PageBudget>> budget_;
    u64 id_;
    keel::SpinLock<State> state_;
};

} // namespace services::mm
