// Physical memory for services: untyped, zero-filled, reference-counted
// frames (Frame: 4 KiB) and contiguous runs of them (Segment).
//
// A Frame is a handle, not a pointer: its bytes are reached only through
// bounds-checked copies (read_bytes/write_bytes/read_val/write_val), so no
// C++ reference into physical memory ever exists outside the framework.
// Only untyped frames exist as handles; the kernel's own typed frames (page
// tables, heap slabs, stacks) can never be obtained or freed through them.
// The memory returns to the allocator when the last handle goes away.
#pragma once

#include <klib/annotations.h>
#include <klib/function.h>
#include <klib/pod.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

class Segment;

namespace detail {
// The kernel's direct map of physical memory (see docs/architecture.md;
// checked against arch/x86_64/layout.h in frame.cpp). Framework internals.
constexpr u64 DIRECT_MAP = 0xffff800000000000ull;
// The direct-map address of physical byte `pa`. Unsafe: the caller must own
// the memory there (a live untyped frame) and stay inside it.
KLIB_UNSAFE inline u8* direct_map_bytes(u64 pa) {
    return reinterpret_cast<u8*>(DIRECT_MAP + pa);
}
} // namespace detail

class Frame {
public:
    static constexpr usize SIZE = 4096;

    // A fresh zero-filled frame, or Error::NoMemory.
    static klib::Result<Frame> alloc();
    // Bytes currently free in the physical allocator (sysinfo's freeram;
    // tests use it to show that a lazy mapping allocated nothing).
    static u64 free_bytes();

    Frame(Frame&& o) noexcept : pa_(o.pa_) { o.pa_ = INVALID; }
    Frame& operator=(Frame&& o) noexcept;
    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;
    ~Frame();

    // Another handle to the same frame (reference count + 1).
    Frame clone() const;

    // Physical address: an opaque number for services (e.g. to program a
    // device through DMA handles later); it cannot be dereferenced.
    u64 paddr() const;
    u32 ref_count() const;

    // Copies between the frame and kernel memory. Fail with OutOfRange when
    // [offset, offset + len) is not inside the frame.
    klib::Result<void> read_bytes(usize offset, klib::Span<u8> out) const;
    klib::Result<void> write_bytes(usize offset, klib::Span<const u8> in);
    void fill_zero();
    // Copies all SIZE bytes of `src` into this frame (copy-on-write breaks
    // a shared page with one copy, no bounce buffer). Copying a frame onto
    // itself leaves it unchanged.
    void copy_from(const Frame& src);
    // Lends bytes [offset, offset + len) of the frame to `f` for the length
    // of the call, with no copy (read(2) of a page-cache page copies it
    // straight to user memory; write(2) fills it straight from there). The
    // view must not outlive the call (services cannot store it: KS-BORROW).
    // A frame mapped in user space may change under the view, as under
    // read_bytes. OutOfRange when the range is not inside the frame (f is
    // not called).
    klib::Result<void> lend(usize offset, usize len,
                            klib::FunctionRef<void(klib::Span<const u8>)> f) const;
    klib::Result<void> lend_mut(usize offset, usize len, klib::FunctionRef<void(klib::Span<u8>)> f);

    // Inline: a bounds check and one load (a bench showed the out-of-line
    // copy at 50x the cost of a raw access under emulation).
    template <klib::Pod T>
    klib::Result<T> read_val(usize offset) const {
        KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
        if (offset > SIZE || sizeof(T) > SIZE - offset) {
            return klib::Err(klib::Error::OutOfRange);
        }
        T v;
        // SAFETY: the frame is a live untyped frame we hold a reference to,
        // [offset, offset + sizeof(T)) is inside it, and T is Pod (any bytes
        // are a valid T).
        // The frame may be shared with user space or a device (DMA): every
        // access really happens, in program order (compiler barrier).
        asm volatile("" ::: "memory");
        __builtin_memcpy(&v, detail::direct_map_bytes(pa_ + offset), sizeof(T));
        return v;
    }
    // T must have no padding: padding bytes have no defined value and would
    // leak kernel stack contents into the frame.
    template <klib::Pod T>
        requires(__has_unique_object_representations(T))
    klib::Result<void> write_val(usize offset, const T& v) {
        KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
        if (offset > SIZE || sizeof(T) > SIZE - offset) {
            return klib::Err(klib::Error::OutOfRange);
        }
        // SAFETY: as read_val; untyped frames hold no kernel objects, so any
        // bytes written there are harmless to the kernel.
        __builtin_memcpy(detail::direct_map_bytes(pa_ + offset), &v, sizeof(T));
        asm volatile("" ::: "memory");
        return {};
    }

private:
    friend class Segment;
    friend class VmSpace;
    static constexpr u64 INVALID = ~u64(0);
    explicit Frame(u64 pa) : pa_(pa) {}
    klib::Result<void> read_raw(usize offset, void* dst, usize len) const;
    klib::Result<void> write_raw(usize offset, const void* src, usize len);
    u64 pa_;
};

// `nframes` physically contiguous frames (allocated as a power-of-two block
// internally; only nframes are exposed).
class Segment {
public:
    static klib::Result<Segment> alloc(usize nframes);

    Segment(Segment&& o) noexcept : pa_(o.pa_), nframes_(o.nframes_), order_(o.order_) {
        o.pa_ = Frame::INVALID;
    }
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;
    Segment& operator=(Segment&&) = delete;
    ~Segment();

    Segment clone() const;
    usize nframes() const { return nframes_; }
    usize size() const { return nframes_ * Frame::SIZE; }
    u64 paddr() const;
    u32 ref_count() const;

    klib::Result<void> read_bytes(usize offset, klib::Span<u8> out) const;
    klib::Result<void> write_bytes(usize offset, klib::Span<const u8> in);

    // As Frame::read_val/write_val, over the whole segment. A segment given
    // to a device (its paddr() programmed into DMA descriptors) is read and
    // written through these; each access happens in program order.
    template <klib::Pod T>
    klib::Result<T> read_val(usize offset) const {
        KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
        if (offset > size() || sizeof(T) > size() - offset) {
            return klib::Err(klib::Error::OutOfRange);
        }
        T v;
        asm volatile("" ::: "memory");
        // SAFETY: inside the live untyped segment; T is Pod.
        __builtin_memcpy(&v, detail::direct_map_bytes(pa_ + offset), sizeof(T));
        return v;
    }
    template <klib::Pod T>
        requires(__has_unique_object_representations(T))
    klib::Result<void> write_val(usize offset, const T& v) const {
        KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
        if (offset > size() || sizeof(T) > size() - offset) {
            return klib::Err(klib::Error::OutOfRange);
        }
        // SAFETY: as read_val.
        __builtin_memcpy(detail::direct_map_bytes(pa_ + offset), &v, sizeof(T));
        asm volatile("" ::: "memory");
        return {};
    }

private:
    Segment(u64 pa, usize n, u32 order) : pa_(pa), nframes_(n), order_(order) {}
    u64 pa_;
    usize nframes_;
    u32 order_;
};

} // namespace keel

KLIB_TRUSTED_END
