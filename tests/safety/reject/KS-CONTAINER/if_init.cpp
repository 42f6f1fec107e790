// expect: KS-CONTAINER
// Class 1: a borrow declared in an if init-statement is scanned too.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    if (int& r = v[0]; r > 0) {
        (void)v.try_push(1); // may reallocate: r dangles
        return r;
    }
    return 0;
}
} // namespace svc
