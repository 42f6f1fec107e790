// Finding 04: a non-const method called through a trusted operator->
// (`b->reset()`, Box here, Optional the same) is not counted as a mutation
// of `b` while an element reference into `b->v` lives in the same block.
// `b->v = ...` and `(*b).v = ...` are refused; the method call is not.
// reset() frees the Vec's buffer, the write through `r` lands in freed heap.
#include <klib/box.h>
#include <klib/vec.h>

namespace services::redteam {

struct Node {
    klib::Vec<int> v;
    void reset() { v = klib::Vec<int>(); }
};

int attack(klib::Box<Node>& b) {
    int& r = b->v[0];
    b->reset(); // frees the buffer r points into
    r = 42;     // heap use-after-free (write)
    return r;
}

} // namespace services::redteam
