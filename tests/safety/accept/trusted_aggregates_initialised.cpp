// Finding R4-03's accepted forms: trusted aggregates without member
// initialisers are fine as fields and bases once something initialises
// them (`{}` default member initialiser, a mem-initialiser, naming the
// base), and types with no default constructor (keel::PciFunction,
// klib::Arc) or a user-provided one (keel::UserContext) need nothing.
#include <keel/pci.h>
#include <keel/user.h>
#include <klib/arc.h>
#include <klib/optional.h>
namespace svc {
struct Thread {
    keel::UserRegs regs{};
    keel::UserContext ctx;
    keel::PciAddress where;
    int id = 0;
    explicit Thread(int i) : where{0, 1, 0}, id(i) {}
};
struct MyRegs : keel::UserRegs {
    int extra = 0;
    MyRegs() : keel::UserRegs{} {}
};
struct Holder {
    klib::Arc<int> shared;
    klib::Optional<keel::PciAddress> maybe;
    explicit Holder(klib::Arc<int> s) : shared(klib::move(s)) {}
};
inline u64 go() {
    Thread t(3);
    MyRegs r;
    return t.regs.rax + r.rbx + u64(t.where.device);
}
} // namespace svc
