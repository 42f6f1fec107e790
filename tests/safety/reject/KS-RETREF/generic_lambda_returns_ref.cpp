// expect: KS-RETREF
// Exploits: a generic lambda's return type is deduced per instantiation, so
// a view of lock-protected data (not a reference: SpinLock::with refuses
// those) escaped SpinLock::with unseen.
#include <keel/sync/spinlock.h>
#include <klib/array.h>
#include <klib/span.h>
namespace svc {
keel::SpinLock<klib::Array<int, 4>> g_lock{};
int f() {
    auto view = [](auto& a) { return a.span(); };
    klib::Span<int> s = g_lock.with(view);
    s[0] = 5; // unsynchronised write, the guard is gone
    return s[1];
}
} // namespace svc
