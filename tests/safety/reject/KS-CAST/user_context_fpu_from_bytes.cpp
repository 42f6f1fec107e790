// expect: KS-CAST
// Newcomer: load a signal frame's FPU bytes straight into a UserContext,
// skipping UserContext::set_fpu (which refuses reserved MXCSR bits that
// would make fxrstor fault in the kernel).
#include <keel/user.h>
namespace svc {
struct Raw {
    unsigned char bytes[1024];
};
void restore(keel::UserContext& ctx, Raw& frame) {
    ctx = reinterpret_cast<keel::UserContext&>(frame);
}
}
