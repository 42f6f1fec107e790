// expect: KS-UNSAFE-CALL
// An intrusive list lends mutable access to nodes it does not own: the node
// is also reachable through its owner, which replaces the Box while a
// reference obtained through the list still points into it
// (heap-use-after-free under ASan). IntrusiveList is framework-only.
#include <klib/box.h>
#include <klib/list.h>
namespace svc {
struct Node : klib::ListLink<Node> {
    klib::Box<int> v;
};
klib::Result<int> alias() {
    Node n{{}, TRY(klib::Box<int>::make(1))};
    klib::IntrusiveList<Node> l;
    l.push_back(n);
    int out = 0;
    {
        const int& r = *l.front().v;
        n.v = TRY(klib::Box<int>::make(2));
        out = r;
    }
    l.remove(n);
    return out;
}
}
