// expect: KS-CONTAINER
// Clearing an element through a guard while a reference into it lives.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<klib::Vec<int>>& v) {
    auto s = v.borrow();
    int& r = s[0][0];
    s[0].clear();
    return r;
}
} // namespace svc
