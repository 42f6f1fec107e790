// expect: KS-CONTAINER
// Class 1: a borrow in a range-for init-statement.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v, const klib::Vec<int>& w) {
    int sum = 0;
    for (int& r = v[0]; int x : w) {
        (void)v.try_push(x);
        sum += r;
    }
    return sum;
}
} // namespace svc
