// expect: KS-CONTAINER
// Class 3: a guard received by value is moved (static_cast<T&&>) into an
// inner scope, which releases its count while a Span taken from it lives;
// then the container reallocates under the Span.
#include <klib/borrow.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
int use(klib::Borrowed<int> g, klib::Vec<int>& v) {
    klib::Span<int> s = g.span();
    {
        klib::Borrowed<int> g2(static_cast<klib::Borrowed<int>&&>(g));
    }
    (void)v.try_push(1);
    return s[0];
}
} // namespace svc
