// expect: KS-CONTAINER
// Calling a stored closure makes the writes its body makes (here: a push
// while r borrows v).
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    auto grow = [&] { (void)v.try_push(1); };
    int& r = v[0];
    grow();
    return r;
}
}
