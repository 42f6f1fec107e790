// Multiple bases: a base initialiser may read members of the bases built
// before it (declaration order), and member initialisers may read every
// base (all bases are built before any member).
#include <klib/box.h>
namespace svc {
struct A {
    int a = 1;
    klib::Box<int> ab = klib::Box<int>::make(1).value();
    A() = default;
    explicit A(int x) : a(x) {}
};
struct B {
    int b = 2;
    B() = default;
    explicit B(int x) : b(x) {}
};
struct C0 {
    int c = 3;
};
struct C : C0 {
    explicit C(int x) { c = x; }
};
struct D : A, B, C {
    int sum = a + b + c;
    int box_value = *ab;
    D() : A(5), B(a + 1), C(a + b + *ab) {}
};
inline int go() {
    D d;
    return d.sum + d.box_value;
}
} // namespace svc
