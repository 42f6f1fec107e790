// expect: KS-CONTAINER
// Class 2: the owner reached through the comma operator.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v, int k) {
    int& r = (k++, v)[0];
    (void)v.try_push(k);
    return r;
}
} // namespace svc
