// expect: KS-CONTAINER
// Class 2: the owner reached through ?: (either branch may be the owner).
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& a, klib::Vec<int>& b, bool c) {
    int& r = (c ? a : b)[0];
    (void)a.try_push(1);
    return r;
}
} // namespace svc
