// expect: KS-CONTAINER
// Class 4: a closure called with an argument that aliases what it captures
// by reference: its body borrows v[0] while it grows v through `a`.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    return [&](klib::Vec<int>& a) {
        int& r = v[0];
        (void)a.try_push(1);
        return r;
    }(v);
}
} // namespace svc
