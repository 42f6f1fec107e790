// Finding 06: a default member initialiser (or a mem-initialiser) moves from
// a member declared later, which is not constructed yet. Box's move
// constructor reads `b`'s uninitialised pointer and takes it: `a` now "owns"
// whatever bytes were in that memory (allocator garbage, or a stale stack
// temporary: -ftrivial-auto-var-init does not cover temporaries), so *a is a
// wild read and ~S frees a wild pointer. Also accepted:
// `S() : a(klib::move(b)) {}` and `klib::Box<int> a = take_b();` with
// take_b() a member function (no -Wuninitialized across the call).
#include <klib/box.h>

namespace services::redteam {

struct S {
    klib::Box<int> a = klib::move(b); // b is not constructed yet
    klib::Box<int> b = klib::Box<int>::make(1).value();
    // User-provided, so Box::make's `T()` does not zero-initialise first.
    S() {}
};

int attack() {
    auto s = klib::Box<S>::make().value();
    return *s->a; // dereferences the garbage pointer taken from b
}

} // namespace services::redteam
