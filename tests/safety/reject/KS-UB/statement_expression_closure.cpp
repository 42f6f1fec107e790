// expect: KS-UB
// Finding 12: a statement expression yielding a closure that captures one
// of its locals by reference.
namespace svc {
int f(int a) {
    auto g = ({
        int b = a + 1;
        [&] { return b * 2; };
    });
    return g();
}
} // namespace svc
