// expect: KS-CONTAINER
// A reference extending a guard temporary is live to the end of its scope
// (the guard's destructor runs there, on the lock): replacing the Box that
// owns the lock before that is refused. Also: a method called through
// `box->` borrows what the Box owns.
#include <keel/sync/spinlock.h>
#include <klib/box.h>
#include <klib/utility.h>
namespace svc {
int f(klib::Box<keel::SpinLock<int>>& b, klib::Box<keel::SpinLock<int>> other) {
    const auto& g = b->lock();
    int x = *g;
    b = klib::move(other);
    return x;
}
} // namespace svc
