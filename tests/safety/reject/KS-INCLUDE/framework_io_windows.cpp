// expect: KS-INCLUDE
// The device-window policy is framework-private.
#include <keel/../../io/windows.h>
namespace svc {
bool ok() { return keel::io::window_allowed(0x510, 0x51c, true); }
}
