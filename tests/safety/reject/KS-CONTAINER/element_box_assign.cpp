// expect: KS-CONTAINER
// Assigning an element frees what the old element owned: r points into it.
#include <klib/box.h>
#include <klib/utility.h>
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<klib::Box<int>>& v, klib::Box<int> b) {
    int& r = *v[0];
    v[0] = klib::move(b);
    return r;
}
} // namespace svc
