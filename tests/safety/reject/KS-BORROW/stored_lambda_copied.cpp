// expect: KS-BORROW
// A stored borrowing lambda that is copied (not only called) may escape.
namespace svc {
int f(int x) {
    auto add = [&](int y) { return x + y; };
    auto copy = add;
    return copy(1);
}
} // namespace svc
