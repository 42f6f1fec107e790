// expect: KS-CONTAINER
// Class 4: a container moved into a by-value parameter and a reference into
// it in the same call: the callee owns the buffer and may free it.
#include <klib/utility.h>
#include <klib/vec.h>
namespace svc {
int take(klib::Vec<int> v, const int& x) {
    v.clear();
    (void)v.try_push(2);
    return x;
}
int f(klib::Vec<int>& v) { return take(klib::move(v), v[0]); }
} // namespace svc
