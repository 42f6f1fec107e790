// expect: KS-CONTAINER
// NLL is not fooled by loops: r is used again in the next iteration, after
// the push.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v, int n) {
    int& r = v[0];
    int sum = 0;
    for (int i = 0; i < n; ++i) {
        sum += r;
        (void)v.try_push(i);
    }
    return sum;
}
}
