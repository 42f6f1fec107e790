// Accept: lock-protected state reached through lock.with([&]...).
#include <keel/sync/spinlock.h>
#include <klib/vec.h>

namespace svc {

struct Counters {
    unsigned long opens = 0;
    unsigned long closes = 0;
};

class Registry {
public:
    unsigned long open() {
        unsigned long delta = 1;
        return state_.with([&](Counters& c) {
            c.opens += delta;
            return c.opens;
        });
    }

    unsigned long balance() {
        auto guard = state_.lock();
        return (*guard).opens - (*guard).closes;
    }

private:
    keel::SpinLock<Counters> state_;
};

} // namespace svc
