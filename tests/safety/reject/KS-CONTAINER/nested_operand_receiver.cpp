// expect: KS-CONTAINER
// Finding 11 (operator form): `v[0]` may be computed, then the right
// operand frees v, then get() runs on freed memory.
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
int attack(klib::Vec<N>& v) { return v[0].get() + drop_all(v); }
} // namespace svc
