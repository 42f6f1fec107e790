// expect: KS-INIT
// plain-extra: -Wno-uninitialized
// A base's initialiser reads a member of that same base: nothing of A
// exists yet while its constructor's argument is computed.
#include <klib/box.h>
namespace svc {
struct A {
    klib::Box<int> a;
    explicit A(int x) : a(klib::Box<int>::make(x).value()) {}
};
inline int peek(const klib::Box<int>& x) { return *x; }
struct D : A {
    D() : A(peek(a)) {}
};
inline int go() {
    D d;
    return *d.a;
}
} // namespace svc
