// expect: KS-CONTAINER
// Exploits: mutation through a local reference alias of the container.
#include <klib/vec.h>
namespace svc {
int f() {
    klib::Vec<int> v;
    (void)v.try_push(1);
    klib::Vec<int>& w = v;
    int& r = v[0];
    for (int i = 0; i < 100; ++i) {
        (void)w.try_push(i);
    }
    return r;
}
} // namespace svc
