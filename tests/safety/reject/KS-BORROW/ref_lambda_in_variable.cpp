// expect: KS-BORROW
// Storing a capturing-by-reference lambda in a local is refused too.
namespace svc {
int twice(int x) {
    auto add = [&](int y) { return x + y; };
    return add(x);
}
}
