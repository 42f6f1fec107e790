// expect: KS-CONTAINER
// Finding 02 (root cause A): receiver through Box::operator-> and an element
// reference into the same object in one call.
#include <klib/box.h>
#include <klib/vec.h>
namespace svc {
struct Node {
    klib::Vec<int> v;
    int poke(int& r) {
        v = klib::Vec<int>();
        r = 42;
        return r;
    }
};
int attack(klib::Box<Node>& b) { return b->poke(b->v[0]); }
} // namespace svc
