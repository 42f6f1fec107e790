// expect: KS-CONTAINER
// Finding 11: the receiver borrows v[0] while an argument frees v.
#include <klib/vec.h>
namespace svc {
struct E {
    int x = 7;
    int poke(int add) {
        x += add;
        return x;
    }
};
int drop_all(klib::Vec<E>& v) {
    v = klib::Vec<E>();
    return 1;
}
int attack(klib::Vec<E>& v) { return v[0].poke(drop_all(v)); }
} // namespace svc
