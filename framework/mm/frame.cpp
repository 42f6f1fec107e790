// keel::Frame and keel::Segment over the frame allocator's refcounts.
#include <keel/mm/frame.h>

#include "mm/frame_allocator.h"
#include "mm/phys.h"
#include <klib/assert.h>

namespace keel {

static_assert(detail::DIRECT_MAP == DIRECT_MAP_BASE, "keel/mm/frame.h and layout.h disagree");

namespace {

bool range_ok(usize offset, usize len, usize size) {
    return offset <= size && len <= size - offset;
}

void release(u64 pa, u32 order) {
    if (mm::frame_ref_dec(pa)) {
        mm::free_frames(pa, order);
    }
}

} // namespace

klib::Result<Frame> Frame::alloc() {
    auto pa = mm::alloc_frames(0, mm::FrameUse::Untyped);
    if (!pa.has_value()) {
        return klib::Err(klib::Error::NoMemory);
    }
    mm::frame_ref_inc(pa.value());
    return Frame(pa.value());
}

Frame& Frame::operator=(Frame&& o) noexcept {
    if (this != &o) {
        if (pa_ != INVALID) {
            release(pa_, 0);
        }
        pa_ = o.pa_;
        o.pa_ = INVALID;
    }
    return *this;
}

Frame::~Frame() {
    if (pa_ != INVALID) {
        release(pa_, 0);
    }
}

u64 Frame::free_bytes() {
    return mm::free_bytes();
}

Frame Frame::clone() const {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    mm::frame_ref_inc(pa_);
    return Frame(pa_);
}

u64 Frame::paddr() const {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    return pa_;
}

u32 Frame::ref_count() const {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    return mm::frame_refcount(pa_);
}

klib::Result<void> Frame::read_raw(usize offset, void* dst, usize len) const {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    if (!range_ok(offset, len, SIZE)) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: the frame is Untyped and alive (we hold a reference), the
    // range is inside it, and dst has len bytes (a Span's storage).
    __builtin_memcpy(dst, mm::phys_ptr<const u8>(pa_) + offset, len);
    return {};
}

klib::Result<void> Frame::write_raw(usize offset, const void* src, usize len) {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    if (!range_ok(offset, len, SIZE)) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: as read_raw; untyped frames hold no kernel objects, so any
    // bytes written are harmless to the kernel.
    __builtin_memcpy(mm::phys_ptr<u8>(pa_) + offset, src, len);
    return {};
}

klib::Result<void> Frame::read_bytes(usize offset, klib::Span<u8> out) const {
    return read_raw(offset, out.unsafe_data(), out.size());
}

klib::Result<void> Frame::write_bytes(usize offset, klib::Span<const u8> in) {
    return write_raw(offset, in.unsafe_data(), in.size());
}

void Frame::fill_zero() {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    // SAFETY: the whole frame is ours to write (see write_raw).
    __builtin_memset(mm::phys_ptr<u8>(pa_), 0, SIZE);
}

void Frame::copy_from(const Frame& src) {
    KLIB_CHECK(pa_ != INVALID && src.pa_ != INVALID, "Frame: use after move");
    if (src.pa_ == pa_) {
        return;
    }
    // SAFETY: both are live untyped frames we hold references to, distinct
    // (checked above), so the two SIZE-byte ranges do not overlap.
    __builtin_memcpy(mm::phys_ptr<u8>(pa_), mm::phys_ptr<const u8>(src.pa_), SIZE);
}

klib::Result<void> Frame::lend(usize offset, usize len,
                               klib::FunctionRef<void(klib::Span<const u8>)> f) const {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    if (!range_ok(offset, len, SIZE)) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: the frame is Untyped and alive for the whole call (we hold a
    // reference and `f` cannot drop it: it only has the view), the range is
    // inside it, and the view cannot escape the call (KS-BORROW).
    f(klib::Span<const u8>::from_raw(mm::phys_ptr<const u8>(pa_) + offset, len));
    return {};
}

klib::Result<void> Frame::lend_mut(usize offset, usize len,
                                   klib::FunctionRef<void(klib::Span<u8>)> f) {
    KLIB_CHECK(pa_ != INVALID, "Frame: use after move");
    if (!range_ok(offset, len, SIZE)) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: as lend; untyped frames hold no kernel objects, so any bytes
    // `f` writes are harmless to the kernel.
    f(klib::Span<u8>::from_raw(mm::phys_ptr<u8>(pa_) + offset, len));
    return {};
}

klib::Result<Segment> Segment::alloc(usize nframes) {
    if (nframes == 0 || nframes > (usize(1) << mm::MAX_ORDER)) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    u32 order = 0;
    while ((usize(1) << order) < nframes) {
        ++order;
    }
    auto pa = mm::alloc_frames(order, mm::FrameUse::Untyped);
    if (!pa.has_value()) {
        return klib::Err(klib::Error::NoMemory);
    }
    mm::frame_ref_inc(pa.value());
    return Segment(pa.value(), nframes, order);
}

Segment::~Segment() {
    if (pa_ != Frame::INVALID) {
        release(pa_, order_);
    }
}

Segment Segment::clone() const {
    KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
    mm::frame_ref_inc(pa_);
    return Segment(pa_, nframes_, order_);
}

u64 Segment::paddr() const {
    KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
    return pa_;
}

u32 Segment::ref_count() const {
    KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
    return mm::frame_refcount(pa_);
}

klib::Result<void> Segment::read_bytes(usize offset, klib::Span<u8> out) const {
    KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
    if (!range_ok(offset, out.size(), size())) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: inside the live, untyped segment; out has out.size() bytes.
    __builtin_memcpy(out.unsafe_data(), mm::phys_ptr<const u8>(pa_) + offset, out.size());
    return {};
}

klib::Result<void> Segment::write_bytes(usize offset, klib::Span<const u8> in) {
    KLIB_CHECK(pa_ != Frame::INVALID, "Segment: use after move");
    if (!range_ok(offset, in.size(), size())) {
        return klib::Err(klib::Error::OutOfRange);
    }
    // SAFETY: as read_bytes.
    __builtin_memcpy(mm::phys_ptr<u8>(pa_) + offset, in.unsafe_data(), in.size());
    return {};
}

} // namespace keel
