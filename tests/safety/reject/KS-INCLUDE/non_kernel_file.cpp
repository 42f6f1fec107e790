// expect: KS-INCLUDE
// Anything outside the public trees, e.g. a tool's source.
#include "../../../../mk/../tests/safety/reject/KS-INCLUDE/helper.inc"
namespace svc {
int f() { return helper_value; }
}
