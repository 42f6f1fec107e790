// expect: KS-CONTAINER
// Finding 11: a reallocating push inside the argument of a method called on
// an element.
#include <klib/vec.h>
namespace svc {
struct E {
    int x = 7;
    int poke(int add) {
        x += add;
        return x;
    }
};
int attack(klib::Vec<E>& v) { return v[0].poke(v.try_push(E{}).is_ok() ? 1 : 0); }
} // namespace svc
