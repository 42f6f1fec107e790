// expect: KS-CONTAINER
// Class 3: the runtime borrow guard is moved into an inner scope, so its
// count is released while a Span copied out of it still lives.
#include <klib/borrow.h>
#include <klib/span.h>
#include <klib/utility.h>
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v) {
    auto g = v.borrow();
    klib::Span<int> s = g.span();
    {
        auto g2 = klib::move(g);
    }
    (void)v.try_push(1); // the counter is 0 again: reallocates under s
    return s[0];
}
} // namespace svc
