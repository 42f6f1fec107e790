// expect: KS-INIT
// Finding 06: a closure capturing `this` run by an initialiser.
namespace svc {
struct S {
    int a = [this] { return b + 1; }();
    int b = 2;
    S() {}
};
int f() {
    S s;
    return s.a;
}
} // namespace svc
