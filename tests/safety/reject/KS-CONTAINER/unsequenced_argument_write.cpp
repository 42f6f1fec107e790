// expect: KS-CONTAINER
// Class 4: one argument grows v while another holds a reference into it
// (argument evaluation order is unspecified).
#include <klib/vec.h>
namespace svc {
int add(const int& a, bool pushed) { return pushed ? a : 0; }
int f(klib::Vec<int>& v) { return add(v[0], v.try_push(1).is_ok()); }
} // namespace svc
