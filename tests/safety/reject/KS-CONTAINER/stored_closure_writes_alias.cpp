// expect: KS-CONTAINER
// A stored closure writing through a captured reference alias of v.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    auto& w = v;
    auto grow = [&] { (void)w.try_push(1); };
    int& r = v[0];
    grow();
    return r;
}
} // namespace svc
