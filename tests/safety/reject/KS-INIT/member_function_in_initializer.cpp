// expect: KS-INIT
// Finding 06: a member function called from an initialiser may read
// members that are not constructed yet.
#include <klib/box.h>
namespace svc {
struct S {
    klib::Box<int> a = take_b();
    klib::Box<int> b = klib::Box<int>::make(1).value();
    klib::Box<int> take_b() { return klib::move(b); }
    S() {}
};
int f() {
    S s;
    return *s.a;
}
} // namespace svc
