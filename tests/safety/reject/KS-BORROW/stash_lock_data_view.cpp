// expect: KS-BORROW
// Newcomer: stash a view of lock-protected data in an outer variable,
// to use it after the guard is gone.
#include <keel/sync/spinlock.h>
#include <klib/vec.h>
#include <klib/span.h>
namespace svc {
unsigned long peek(keel::SpinLock<klib::Vec<int>>& lock, klib::Span<int> outer) {
    lock.with([&](klib::Vec<int>& v) { outer = klib::Span<int>(v); });
    return outer.size();
}
}
