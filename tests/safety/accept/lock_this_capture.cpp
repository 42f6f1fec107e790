// Accept: a member function reaching its lock-protected state with a lambda
// that captures `this` (blessed: passed straight to SpinLock::with), and a
// user-written constructor initialising every field.
#include <keel/sync/spinlock.h>
#include <klib/types.h>

namespace svc {

struct Stats {
    Stats(u32 h, u32 m) : hits(h), misses(m) {}
    u32 hits;
    u32 misses;
    u32 total() const { return hits + misses; }
};

class Cache {
public:
    void hit() {
        state_.with([this](Stats& s) { s.hits += bonus_; });
    }
    u32 total() {
        return state_.with([&](Stats& s) { return s.total() + bonus_; });
    }

private:
    u32 bonus_ = 1;
    keel::SpinLock<Stats> state_{0u, 0u};
};

} // namespace svc
