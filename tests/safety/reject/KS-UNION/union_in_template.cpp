// expect: KS-UNION
// A union hidden as a template argument.
#include <klib/optional.h>
namespace svc {
union U { int a; long b; };
bool has(klib::Optional<U>& o) { return o.has_value(); }
}
