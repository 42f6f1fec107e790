// expect: KS-RETREF
// Escaping a reference to locked data through a callback's result.
// (SpinLock::with itself now refuses reference results; the rule still
// applies to every lambda.)
#include <keel/sync/spinlock.h>
namespace svc {
struct State {
    int n = 0;
};
int get(keel::SpinLock<State>& l) {
    auto field = [](State& s) -> int& { return s.n; };
    auto g = l.lock();
    auto& n = field(*g);
    return n;
}
} // namespace svc
