// expect: KS-UNSAFE-CALL
// keel::detail::irq_save_disable is framework-only.
#include <keel/sync/spinlock.h>
namespace svc {
bool off() { return keel::detail::irq_save_disable(); }
}
