// expect: KS-CONTAINER
// Issue 11 residual (the same mutable callable reached twice in one call):
// a FunctionRef to a functor with a non-const operator() is `&mut` of the
// functor; passing it with a const reference to the same object let the
// callee clear the Vec the reference reads (use-after-free under ASan).
#include <klib/function.h>
#include <klib/vec.h>
namespace svc {
struct Acc {
    klib::Vec<int> v;
    int operator()() {
        v = klib::Vec<int>();
        return 0;
    }
};
inline int peek(klib::FunctionRef<int()> a, const Acc& acc) {
    const int& r = acc.v[0];
    a();
    return r;
}
inline int go() {
    Acc acc;
    (void)acc.v.try_push(1);
    return peek(acc, acc);
}
} // namespace svc
