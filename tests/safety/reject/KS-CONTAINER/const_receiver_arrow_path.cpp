// expect: KS-CONTAINER
// Finding 08: a const receiver reached through Box::operator-> with the
// Box passed by non-const reference.
#include <klib/box.h>
namespace svc {
struct E {
    int x = 7;
    int peek(klib::Box<E>& b) const;
};
int E::peek(klib::Box<E>& b) const {
    b = klib::Box<E>::make().value();
    return x;
}
int attack(klib::Box<E>& b) { return b->peek(b); }
} // namespace svc
