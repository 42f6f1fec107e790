// expect: KS-BORROW
// Exploits: klib::exchange assigns through a non-const reference to a view.
#include <klib/array.h>
#include <klib/span.h>
#include <klib/utility.h>
namespace svc {
int f() {
    klib::Array<int, 4> a{};
    klib::Span<int> outer = a.span();
    {
        klib::Array<int, 4> b{};
        (void)klib::exchange(outer, b.span());
    }
    return outer[0];
}
} // namespace svc
