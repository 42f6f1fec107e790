// expect: KS-CONTAINER
// Class 2: the owner reached through an explicit no-op cast.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = static_cast<klib::Vec<int>&>(v)[0];
    (void)v.try_push(1);
    return r;
}
} // namespace svc
