// expect: KS-CONST
// Even a sync type needs no `mutable`: Atomic and SpinLock are already
// updated through const. The rule has no exceptions in checked code.
#include <klib/atomic.h>
namespace svc {
struct Stats {
    mutable klib::Atomic<unsigned long> hits;
    void hit() const { hits.fetch_add(1, klib::MemoryOrder::Relaxed); }
};
}
