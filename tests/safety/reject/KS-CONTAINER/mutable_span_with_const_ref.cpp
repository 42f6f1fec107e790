// expect: KS-CONTAINER
// Red-team pass 4, finding R4-02: a Span of owning elements lends `&mut`:
// the callee replaces v[0] through the Span while it reads the old Box
// through the const reference (heap use-after-free under ASan). Both
// arguments used to count as reads.
#include <klib/box.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
using klib::Box;
inline int peek_then_store(klib::Span<Box<int>> s, const klib::Vec<Box<int>>& v) {
    const int& r = *v[0];
    s[0] = Box<int>::make(7).release_value();
    return r;
}
inline int go() {
    klib::Vec<Box<int>> v;
    (void)v.try_push(Box<int>::make(1).release_value());
    return peek_then_store(v.span(), v);
}
} // namespace svc
