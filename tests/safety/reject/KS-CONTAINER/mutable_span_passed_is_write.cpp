// expect: KS-CONTAINER
// Finding R4-02: passing a Span of owning elements to any function is a
// write of what it designates: `refill` replaces v[0] while `r` points
// into the old Box.
#include <klib/box.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
using klib::Box;
inline void refill(klib::Span<Box<int>> s) { s[0] = Box<int>::make(7).release_value(); }
inline int go() {
    klib::Vec<Box<int>> v;
    (void)v.try_push(Box<int>::make(1).release_value());
    const int& r = *v[0];
    refill(v.span());
    return r;
}
} // namespace svc
