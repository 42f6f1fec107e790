// Finding: a method called through Box::operator-> receives, as an argument,
// the owner of that very Box; it reassigns the Box (freeing *this) and then
// keeps using its own fields: heap use-after-free (read and write).
#include <klib/box.h>

namespace services::redteam {

struct Holder;

struct Node {
    int x = 7;
    int poke(Holder& h);
};

struct Holder {
    klib::Box<Node> b = klib::Box<Node>::make().value();
};

int Node::poke(Holder& h) {
    h.b = klib::Box<Node>::make().value(); // frees the Node running this method
    x = 42;                                // write to freed memory
    return x;                              // read of freed memory
}

int attack(Holder& h) {
    return h.b->poke(h);
}

} // namespace services::redteam
