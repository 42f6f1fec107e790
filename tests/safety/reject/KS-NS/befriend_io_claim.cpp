// expect: KS-NS
// IoMem::claim is private to keel::PciFunction; a service may not add
// declarations to namespace keel to reach it (here: a specialization-like
// helper posing as the framework).
#include <keel/io.h>
namespace keel {
inline u64 claim_any() { return 0xfee00000; }
}
namespace svc {
u64 f() { return keel::claim_any(); }
}
