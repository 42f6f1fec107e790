// expect: KS-CONTAINER
// Finding 11 + root cause A: the receiver is reached through `->`, an
// argument resets the Box.
#include <klib/box.h>
namespace svc {
struct E {
    int x = 7;
    int poke(int add) {
        x += add;
        return x;
    }
};
int reset(klib::Box<E>& b) {
    b = klib::Box<E>::make().value();
    return 1;
}
int attack(klib::Box<E>& b) { return b->poke(reset(b)); }
} // namespace svc
