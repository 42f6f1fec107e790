// expect: KS-CONTAINER
// int& r = v[0]; v.try_push(...) may reallocate.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = v[0];
    (void)v.try_push(1);
    return r;
}
}
