// expect: KS-CONTAINER
// Class 4 for a built-in operator: its operands are unsequenced, so the
// push may reallocate before the element is read.
#include <klib/vec.h>
namespace svc {
int grow(klib::Vec<int>& v) { return v.try_push(1).is_ok() ? 1 : 0; }
int f(klib::Vec<int>& v) { return v[0] + grow(v); }
} // namespace svc
