// expect: KS-BORROW
// Newcomer: keep the view keel::Frame::lend lends (bytes of a physical
// frame) after the call, to read the frame later without a copy.
#include <keel/mm/frame.h>
#include <klib/span.h>
namespace svc {
unsigned long peek(const keel::Frame& f, klib::Span<const u8> outer) {
    (void)f.lend(0, 16, [&](klib::Span<const u8> s) { outer = s; });
    return outer.size();
}
} // namespace svc
