// expect: KS-CONTAINER
// Finding 03 (root cause A): the closure argument replaces the Box the
// receiver is reached through.
#include <klib/box.h>
#include <klib/function.h>
namespace svc {
struct Node {
    int x = 7;
    int poke(klib::FunctionRef<void()> g) {
        g();
        x = 42;
        return x;
    }
};
struct Holder {
    klib::Box<Node> b = klib::Box<Node>::make().value();
};
int attack(Holder& h) {
    return h.b->poke([&] { h.b = klib::Box<Node>::make().value(); });
}
} // namespace svc
