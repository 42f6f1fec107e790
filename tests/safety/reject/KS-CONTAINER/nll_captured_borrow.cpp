// expect: KS-CONTAINER
// A borrow captured by a closure stays live as long as its scope (the
// closure may use it later).
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = v[0];
    auto get = [&] { return r; };
    (void)v.try_push(1);
    return get();
}
}
