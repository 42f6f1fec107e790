// expect: KS-INIT
// Finding R4-03: the indeterminate scalar is two levels down (an aggregate
// holding an aggregate), and the constructor initialises a sibling only.
#include <keel/pci.h>
#include <klib/box.h>
namespace svc {
struct Where {
    keel::PciAddress addr;
};
struct Device {
    Where where;
    int irq;
    explicit Device(int i) : irq(i) {}
};
inline int go() {
    auto d = klib::Box<Device>::make(3).value();
    return d->where.addr.bus;
}
} // namespace svc
