// expect: KS-CONTAINER
// Finding 11 + root cause A: the receiver `vb[0]->` of one operand and a
// clear in the other.
#include <klib/box.h>
#include <klib/vec.h>
namespace svc {
struct N {
    int x = 1;
    int get() const { return x; }
};
int attack(klib::Vec<klib::Box<N>>& vb) { return vb[0]->get() + (vb.clear(), 1); }
} // namespace svc
