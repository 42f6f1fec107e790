// expect: KS-CONTAINER
// Finding 04 (root cause A): a non-const method called through `->` is a
// mutation of the pointee.
#include <klib/box.h>
#include <klib/vec.h>
namespace svc {
struct Node {
    klib::Vec<int> v;
    void reset() { v = klib::Vec<int>(); }
};
int attack(klib::Box<Node>& b) {
    int& r = b->v[0];
    b->reset();
    r = 42;
    return r;
}
} // namespace svc
