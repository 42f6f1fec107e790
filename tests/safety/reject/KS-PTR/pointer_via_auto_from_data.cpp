// expect: KS-PTR
// `auto` deducing a pointer from a trusted container's raw accessor.
#include <klib/vec.h>
namespace svc {
int first(klib::Vec<int>& v) {
    auto p = v.unsafe_data();
    return p == nullptr ? 0 : 1;
}
}
