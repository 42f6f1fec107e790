// expect: KS-CONTAINER
// Finding 11: an earlier argument borrows v[0]; a later one replaces v.
#include <klib/vec.h>
namespace svc {
int add_to(int& r, int add) {
    r += add;
    return r;
}
int attack(klib::Vec<int>& v) { return add_to(v[0], (v = klib::Vec<int>(), 1)); }
} // namespace svc
