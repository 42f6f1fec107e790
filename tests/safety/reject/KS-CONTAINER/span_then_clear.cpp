// expect: KS-CONTAINER
#include <klib/vec.h>
#include <klib/span.h>
namespace svc {
unsigned long f(klib::Vec<int>& v) {
    klib::Span<int> s(v);
    v.clear();
    return s.size();
}
}
