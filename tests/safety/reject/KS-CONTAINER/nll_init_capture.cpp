// expect: KS-CONTAINER
// A borrow mentioned in a lambda (here an init-capture by reference) stays
// live to the end of its scope: the closure may use it at any call.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = v[0];
    auto get = [&x = r] { return x; };
    (void)v.try_push(1);
    return get();
}
} // namespace svc
