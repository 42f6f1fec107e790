// expect: KS-CONTAINER
// Finding R4-02: a lock Guard hands out `T&` through const, so a
// `const Guard&` argument is `&mut` of the data: passed together with a
// reference to one of its elements, the callee clears the Vec first.
#include <keel/sync/spinlock.h>
#include <klib/box.h>
#include <klib/vec.h>
namespace svc {
using Boxes = klib::Vec<klib::Box<int>>;
using Lock = keel::SpinLock<Boxes>;
inline int drop_then_read(const Lock::Guard& g, const klib::Box<int>& b) {
    (*g).clear();
    return *b;
}
inline int go(const Lock& l) {
    auto g = l.lock();
    return drop_then_read(g, (*g)[0]);
}
} // namespace svc
