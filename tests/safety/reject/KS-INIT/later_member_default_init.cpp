// expect: KS-INIT
// Finding 06: a default member initialiser moves from a member declared
// later (not constructed yet: `a` takes a garbage pointer).
#include <klib/box.h>
namespace svc {
struct S {
    klib::Box<int> a = klib::move(b);
    klib::Box<int> b = klib::Box<int>::make(1).value();
    S() {}
};
int f() {
    S s;
    return *s.a;
}
} // namespace svc
