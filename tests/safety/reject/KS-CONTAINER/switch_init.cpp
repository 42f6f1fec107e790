// expect: KS-CONTAINER
// Class 1: a borrow in a switch init-statement.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    switch (int& r = v[0]; r) {
    default:
        (void)v.try_push(1);
        return r;
    }
}
} // namespace svc
