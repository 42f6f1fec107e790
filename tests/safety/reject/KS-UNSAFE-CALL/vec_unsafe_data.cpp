// expect: KS-UNSAFE-CALL
#include <klib/vec.h>
namespace svc {
bool empty(klib::Vec<int>& v) { return v.unsafe_data() == nullptr; }
}
