// expect: KS-CONTAINER
// Class 4: a span of v and a closure that grows v in one call: the callee
// can call the closure while it reads through the span.
#include <klib/function.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
int each(klib::Span<const int> s, klib::FunctionRef<void()> grow) {
    grow();
    return s[0];
}
int f(klib::Vec<int>& v) {
    return each(v.span(), [&] { (void)v.try_push(1); });
}
} // namespace svc
