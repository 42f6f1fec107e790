// expect: KS-INIT
// plain-extra: -Wno-uninitialized
// The member belongs to a base of a later base (C0 inside B): still not
// constructed while A's initialiser runs.
#include <klib/box.h>
namespace svc {
struct A {
    klib::Box<int> a;
    explicit A(klib::Box<int> x) : a(klib::move(x)) {}
};
struct C0 {
    klib::Box<int> c = klib::Box<int>::make(3).value();
};
struct B : C0 {
    int extra = 0;
};
inline klib::Box<int> steal(klib::Box<int>& x) { return klib::move(x); }
struct D : A, B {
    D() : A(steal(c)) {}
};
inline int go() {
    D d;
    return *d.a;
}
} // namespace svc
