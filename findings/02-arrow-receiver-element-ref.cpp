// Finding 02: `b->poke(b->v[0])`. The receiver reached through a trusted
// operator-> (Box here; Optional/Result the same) is not counted as a path,
// so an element reference into the receiver's own Vec is passed alongside it.
// poke() replaces the Vec (freeing its buffer) and writes through the
// element reference: heap use-after-free. The plain-object form
// `n.poke(n.v[0])` is refused ("two paths to 'n'").
#include <klib/box.h>
#include <klib/vec.h>

namespace services::redteam {

struct Node {
    klib::Vec<int> v;
    int poke(int& r) {
        v = klib::Vec<int>(); // frees the buffer r points into
        r = 42;               // write to freed memory
        return r;
    }
};

int attack(klib::Box<Node>& b) {
    return b->poke(b->v[0]);
}

} // namespace services::redteam
