// expect: KS-CONTAINER
// A structured binding by reference borrows the element: its names are
// uses of the borrow.
#include <klib/vec.h>
namespace svc {
struct P {
    int a = 0;
    int b = 0;
};
int f(klib::Vec<P>& v) {
    auto& [a, b] = v[0];
    (void)v.try_push(P{});
    return a + b;
}
} // namespace svc
