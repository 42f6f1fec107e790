// expect: KS-CONTAINER
// Class 1: a reference declared in a while condition.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int sum = 0;
    while (int& r = v[0]) {
        (void)v.try_push(1);
        sum += r;
        break;
    }
    return sum;
}
} // namespace svc
