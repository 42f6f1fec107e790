// expect: KS-INIT
// Finding 06: the same through a constructor's mem-initialiser list.
#include <klib/box.h>
namespace svc {
struct S {
    klib::Box<int> a;
    klib::Box<int> b;
    S() : a(klib::move(b)), b(klib::Box<int>::make(1).value()) {}
};
int f() {
    S s;
    return *s.a;
}
} // namespace svc
