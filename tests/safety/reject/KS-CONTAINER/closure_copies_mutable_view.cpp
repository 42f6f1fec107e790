// expect: KS-CONTAINER
// Red-team pass 4, finding R4-04: a closure that holds a mutable view by
// copy (`[b = v.borrow()]`) writes through it; passed together with a
// const reference to the same Vec, the callee reads an element's Box that
// the closure replaces (heap use-after-free under ASan).
#include <klib/box.h>
#include <klib/function.h>
#include <klib/vec.h>
namespace svc {
using klib::Box;
inline int peek(klib::FunctionRef<void()> f, const klib::Vec<Box<int>>& v) {
    const int& r = *v[0];
    f();
    return r;
}
inline int go() {
    klib::Vec<Box<int>> v;
    (void)v.try_push(Box<int>::make(1).release_value());
    return peek([b = v.borrow()] { b[0] = Box<int>::make(7).release_value(); }, v);
}
} // namespace svc
