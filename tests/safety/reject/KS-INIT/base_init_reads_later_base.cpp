// expect: KS-INIT
// plain-extra: -Wno-uninitialized
// Issue 11 residual: with several bases, A is built before B, so A's
// initialiser moves B::b out of raw storage (and ~B later frees garbage).
// Clang's -Wuninitialized sees this direct form; the checker refuses the
// class on its own (default-deny: only members of earlier bases).
#include <klib/box.h>
namespace svc {
struct A {
    klib::Box<int> a;
    explicit A(klib::Box<int> x) : a(klib::move(x)) {}
};
struct B {
    klib::Box<int> b = klib::Box<int>::make(2).value();
};
inline klib::Box<int> steal(klib::Box<int>& x) { return klib::move(x); }
struct D : A, B {
    D() : A(steal(b)) {}
};
inline int go() {
    D d;
    return *d.a;
}
} // namespace svc
