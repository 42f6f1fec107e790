// expect: KS-CONTAINER
// Class 2: the owner reached through klib::move (an identity function).
#include <klib/vec.h>
#include <klib/utility.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = klib::move(v)[0];
    (void)v.try_push(1);
    return r;
}
} // namespace svc
