// expect: KS-BORROW
// A stored borrowing lambda passed to a function (which could keep it).
namespace svc {
template <typename F>
int call(F f) {
    return f(1);
}
int f(int x) {
    auto add = [&](int y) { return x + y; };
    return call(add);
}
} // namespace svc
