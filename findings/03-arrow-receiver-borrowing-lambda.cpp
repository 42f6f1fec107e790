// Finding 03: a borrowing lambda (captures the holder by reference) passed as
// a FunctionRef to a method whose receiver is reached through Box's
// operator->. The callback drops the Box (frees *this) and the method then
// keeps using its fields: heap use-after-free. With a plain receiver
// (`v[0].poke([&]{ v.clear(); })`) the checker refuses ("two paths to 'v'").
#include <klib/box.h>
#include <klib/function.h>

namespace services::redteam {

struct Node {
    int x = 7;
    int poke(klib::FunctionRef<void()> g) {
        g();    // frees *this
        x = 42; // write to freed memory
        return x;
    }
};

struct Holder {
    klib::Box<Node> b = klib::Box<Node>::make().value();
};

int attack(Holder& h) {
    return h.b->poke([&] { h.b = klib::Box<Node>::make().value(); });
}

} // namespace services::redteam
