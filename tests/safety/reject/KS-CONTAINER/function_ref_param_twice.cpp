// expect: KS-CONTAINER
// Issue 11 residual: one FunctionRef parameter passed twice. Its target is
// unknown here (it may be a `mutable` lambda), so each copy is `&mut` of
// it, as Rust refuses passing one `&mut FnMut` twice.
#include <klib/function.h>
namespace svc {
inline int run(klib::FunctionRef<int(int)> a, klib::FunctionRef<int(int)> b) {
    return a(0) + b(1);
}
inline int relay(klib::FunctionRef<int(int)> a) { return run(a, a); }
} // namespace svc
