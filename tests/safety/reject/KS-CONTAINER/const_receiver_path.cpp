// expect: KS-CONTAINER
// Finding 08: a const receiver is a path too: the method may free the
// buffer holding `*this` through the other argument.
#include <klib/vec.h>
namespace svc {
struct E {
    int x = 7;
    int peek(klib::Vec<E>& v) const {
        v = klib::Vec<E>();
        return x;
    }
};
int attack(klib::Vec<E>& v) { return v[0].peek(v); }
} // namespace svc
