// expect: KS-CONTAINER
// Class 2: the mutation goes through an element reference of the same owner.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<klib::Vec<int>>& outer) {
    int& r = outer[0][0];
    auto& inner = outer[0];
    inner.clear();
    for (int i = 0; i < 64; ++i)
        (void)inner.try_push(i);
    return r;
}
} // namespace svc
