// Finding 09 (low): a side-effect-free loop that never terminates is
// undefined behaviour in C++ ([intro.progress], forward-progress guarantee);
// clang marks C++ functions `mustprogress` and deletes such loops. A service
// that "halts" on a corrupt state by spinning instead falls through to the
// code after the loop. No flag in SERVICE_MANDATORY_FLAGS (e.g.
// -fno-finite-loops) and no checker rule removes this UB.
#include <klib/vec.h>

namespace services::redteam {

// Intended as "never return if the state is corrupt".
void halt_forever() {
    u32 i = 1;
    while (i != 0) { // i stays odd, never 0; no side effects
        i += 2;
    }
}

int guarded_read(klib::Vec<int>& v, bool corrupt) {
    if (corrupt) {
        halt_forever(); // compiled to nothing: execution continues below
    }
    return v.size() > 0 ? v[0] : -1;
}

} // namespace services::redteam
