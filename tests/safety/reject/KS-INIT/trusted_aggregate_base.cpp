// expect: KS-INIT
// Finding R4-03: the same through a base class: a constructor that does
// not name the base default-initialises it, leaving its scalars
// indeterminate.
#include <keel/user.h>
#include <klib/box.h>
namespace svc {
struct MyRegs : keel::UserRegs {
    int extra = 0;
    MyRegs() {}
};
inline int go() {
    auto t = klib::Box<MyRegs>::make().value();
    return t->rax == 0 ? 1 : 2;
}
} // namespace svc
