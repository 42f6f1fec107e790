// expect: KS-UB
namespace svc {
int f(int x) {
    [[assume(x > 0)]];
    return x;
}
}
