// expect: KS-CONTAINER
// Class 3: static_cast<T&&> moves the owner away; the moved-to Vec dies in an
// inner scope and frees the buffer r points into.
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    int& r = v[0];
    {
        klib::Vec<int> w(static_cast<klib::Vec<int>&&>(v));
    }
    return r;
}
} // namespace svc
