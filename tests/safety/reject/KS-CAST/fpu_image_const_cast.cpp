// expect: KS-CAST
// Newcomer: change the FPU state of a context reached through const (a
// shared thread): set_fpu is non-const, so only the owner may call it.
#include <keel/user.h>
#include <klib/arc.h>
namespace svc {
bool poke(const klib::Arc<keel::UserContext>& shared, const keel::FpuImage& img) {
    return const_cast<keel::UserContext&>(*shared).set_fpu(img);
}
}
