// expect: KS-CONTAINER
// Exploits: assigning to a *member* of the owner (`b->next = none`) frees
// the child node an element reference points into; only assignments to the
// variable itself were seen.
#include <klib/box.h>
#include <klib/optional.h>
namespace svc {
struct Node {
    klib::Optional<klib::Box<Node>> next;
    int v = 0;
};
int f() {
    auto b = MUST(klib::Box<Node>::make());
    b->next = MUST(klib::Box<Node>::make());
    int& r = (*b->next.value()).v;
    b->next = klib::none;
    return r; // use after free
}
} // namespace svc
