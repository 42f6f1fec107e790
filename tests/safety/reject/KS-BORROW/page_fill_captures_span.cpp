// expect: KS-BORROW
// A page-cache fill (the klib::Function a mapping's backing object keeps,
// services/mm/page_cache.h) that captured a view of a file's bytes would
// read them long after the buffer is gone; the bytes must be owned (Arc).
#include <keel/mm/frame.h>
#include <klib/function.h>
#include <klib/span.h>
namespace svc {
using Fill = klib::Function<klib::Result<void>(unsigned long, keel::Frame&) const>;
klib::Result<Fill> make_fill(klib::Span<const unsigned char> bytes) {
    return Fill::make([bytes](unsigned long off, keel::Frame& f) {
        return f.write_bytes(0, bytes.subspan(off, 16));
    });
}
} // namespace svc
