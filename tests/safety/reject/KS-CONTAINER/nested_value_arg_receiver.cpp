// expect: KS-CONTAINER
// Finding 11: a by-value argument computed from an element while another
// argument frees the Vec.
#include <klib/vec.h>
namespace svc {
struct N {
    int x = 1;
    int get() const { return x; }
};
int drop_all(klib::Vec<N>& v) {
    v = klib::Vec<N>();
    return 1;
}
int add(int a, int b) { return a + b; }
int attack(klib::Vec<N>& v) { return add(v[0].get(), drop_all(v)); }
} // namespace svc
