// What backs a mapping that is not private anonymous memory: an object
// whose page number i is one shared frame, made on first use. Shared
// anonymous memory is a PageCache with no source (zero pages); a file is a
// PageCache whose `Fill` copies its bytes into a fresh frame. This is the
// whole interface a file system needs to implement to become mappable
// (the VFS can keep one PageCache per inode so every mapping of a file
// shares its pages; today each mmap of a file builds its own).
//
// Private mappings map the cache's frames read-only and copy on the first
// write (copy-on-write against the cache); shared mappings map them
// writable, so every mapper sees every write.
#pragma once

#include <keel/mm/frame.h>
#include <keel/sync/spinlock.h>
#include <klib/arc.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/vec.h>

namespace services::mm {

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

    explicit PageCache(u64 size, klib::Optional<Fill> fill)
        : size_(size), fill_(klib::move(fill)) {}

    // The frame of page `index` (a new handle; the cache keeps its own).
    // Errors: OutOfRange when the page starts at or past the object's end
    // (a mapping's access there is SIGBUS), NoMemory, the fill's errors.
    klib::Result<keel::Frame> page(u64 index) const;
    // Whether page `index` is held (mincore of a file or shared mapping).
    bool has(u64 index) const;
    u64 size() const { return size_; }
    // Pages currently held (tests).
    usize cached() const;

private:
    struct Entry {
        u64 index{};
        keel::Frame frame;
    };
    u64 size_;
    klib::Optional<Fill> fill_;
    keel::SpinLock<klib::Vec<Entry>> pages_; // sorted by index
};

} // namespace services::mm
