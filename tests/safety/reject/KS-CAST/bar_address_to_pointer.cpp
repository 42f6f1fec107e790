// expect: KS-CAST
// A BAR's physical address used as a pointer instead of PciFunction::map_bar.
#include <keel/pci.h>
namespace svc {
u32 peek(const keel::PciFunction& f) { return *reinterpret_cast<volatile u32*>(f.bar(0).base); }
}
