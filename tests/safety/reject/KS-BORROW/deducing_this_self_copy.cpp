// expect: KS-BORROW
// Exploits: a borrowing lambda blessed for SpinLock::with returns a copy of
// itself through an explicit object parameter; the copy (holding &x) is
// stored in a klib::Function and outlives x.
#include <keel/sync/spinlock.h>
#include <klib/function.h>
namespace svc {
keel::SpinLock<int> g_lock{0};
klib::Result<klib::Function<int()>> f() {
    int x = 5;
    return klib::Function<int()>::make(g_lock.with([&x](this auto self, auto&&... a) {
        if constexpr (sizeof...(a) == 1) {
            return self;
        } else {
            return x;
        }
    }));
}
} // namespace svc
