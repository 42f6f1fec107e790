// expect: KS-CONTAINER
// Finding 01 (root cause A): `h.b->poke(h)` is `(*h.b).poke(h)`; the method
// may replace h.b and so free the object it runs on.
#include <klib/box.h>
namespace svc {
struct Holder;
struct Node {
    int x = 7;
    int poke(Holder& h);
};
struct Holder {
    klib::Box<Node> b = klib::Box<Node>::make().value();
};
int Node::poke(Holder& h) {
    h.b = klib::Box<Node>::make().value();
    x = 42;
    return x;
}
int attack(Holder& h) { return h.b->poke(h); }
} // namespace svc
