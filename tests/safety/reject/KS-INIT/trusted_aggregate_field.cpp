// expect: KS-INIT
// Red-team pass 4, finding R4-03: a field of a trusted aggregate whose
// scalars have no initialisers (keel::UserRegs) was not checked: the
// user-provided constructor default-initialises it, so on the heap every
// register is indeterminate (MemorySanitizer: use-of-uninitialized-value
// on the comparison below).
#include <keel/user.h>
#include <klib/box.h>
namespace svc {
struct Thread {
    keel::UserRegs regs;
    int id = 0;
    Thread() {}
};
inline int go() {
    auto t = klib::Box<Thread>::make().value();
    return t->regs.rax == 0 ? 1 : 2;
}
} // namespace svc
