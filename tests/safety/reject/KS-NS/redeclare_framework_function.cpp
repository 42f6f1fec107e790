// expect: KS-NS
// Redeclaring a trusted function in checked code.
#include <keel/sync/spinlock.h>
namespace keel::detail {
void preempt_disable() noexcept;
}
namespace svc {
void f() { keel::detail::preempt_disable(); }
}
