// expect: KS-BORROW
// Newcomer: stash a view of lock-protected data in an outer variable,
// to use it after the guard is gone.
#include <keel/sync/spinlock.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
unsigned long peek(keel::SpinLock<klib::Vec<int>>& lock, klib::Span<int> outer) {
    lock.with([&](klib::Vec<int>& v) { outer = v.span(); });
    return outer.size();
}
} // namespace svc
