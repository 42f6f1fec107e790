// expect: KS-BORROW
// Exploits: klib::Function erases the callable's type, so a FunctionRef (a
// view of a local lambda) copied into it escapes on the heap.
#include <klib/function.h>
namespace svc {
klib::Result<klib::Function<int()>> f() {
    int x = 5;
    auto l = [x]() { return x; };
    klib::FunctionRef<int()> r = l;
    return klib::Function<int()>::make(r); // refers to `l` after return
}
} // namespace svc
