// expect: KS-RETREF
// Returning a view.
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
klib::Span<int> items(klib::Vec<int>& v) { return klib::Span<int>(v); }
}
