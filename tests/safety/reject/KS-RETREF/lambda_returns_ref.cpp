// expect: KS-RETREF
// Escaping a reference to locked data through the callback's result.
#include <keel/sync/spinlock.h>
namespace svc {
struct State { int n = 0; };
int get(keel::SpinLock<State>& l) {
    auto& n = l.with([](State& s) -> int& { return s.n; });
    return n;
}
}
