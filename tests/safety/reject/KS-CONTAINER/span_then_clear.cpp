// expect: KS-CONTAINER
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
unsigned long f(klib::Vec<int>& v) {
    auto s = v.borrow();
    v.clear();
    return s.size();
}
} // namespace svc
