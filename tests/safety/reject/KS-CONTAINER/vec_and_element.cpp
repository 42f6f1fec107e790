// expect: KS-CONTAINER
// Class 4: f(v, v[0]): the callee grows v while holding a reference into it.
#include <klib/vec.h>
namespace svc {
int grow_then_read(klib::Vec<int>& v, const int& x) {
    (void)v.try_push(1);
    return x;
}
int f(klib::Vec<int>& v) { return grow_then_read(v, v[0]); }
} // namespace svc
