// expect: KS-BORROW
// Exploits: views may not be assigned, but klib::swap rebinds them: the
// outer span ends up viewing an array that has been destroyed.
#include <klib/array.h>
#include <klib/span.h>
#include <klib/utility.h>
namespace svc {
int f() {
    klib::Array<int, 4> a{};
    klib::Span<int> outer = a.span();
    {
        klib::Array<int, 4> b{};
        klib::Span<int> inner = b.span();
        klib::swap(outer, inner);
    }
    return outer[0];
}
} // namespace svc
