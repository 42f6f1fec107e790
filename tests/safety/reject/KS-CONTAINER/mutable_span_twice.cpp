// expect: KS-CONTAINER
// Finding R4-02: the same Span of Boxes passed twice (two `&mut` paths):
// the callee frees the Box one path designates through the other.
#include <klib/box.h>
#include <klib/span.h>
namespace svc {
using klib::Box;
inline int store(klib::Span<Box<int>> a, klib::Span<Box<int>> b) {
    const int& r = *a[0];
    b[0] = Box<int>::make(7).release_value();
    return r;
}
inline int relay(klib::Span<Box<int>> s) { return store(s, s); }
} // namespace svc
