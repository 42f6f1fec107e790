// expect: KS-RETREF
// Returning a view.
#include <klib/array.h>
#include <klib/span.h>
namespace svc {
klib::Span<int> items(klib::Array<int, 4>& a) {
    return a.span();
}
} // namespace svc
