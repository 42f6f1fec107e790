// expect: KS-CONTAINER
// Finding 07: the Arc itself passed by reference to a method of the object
// it owns: the method can drop it while running.
#include <klib/arc.h>
namespace svc {
struct Node {
    int x = 7;
    int run(klib::Arc<Node>& self) const;
};
int Node::run(klib::Arc<Node>& self) const {
    self = klib::Arc<Node>::make().value();
    return x;
}
int attack(klib::Arc<Node>& a) { return a->run(a); }
} // namespace svc
