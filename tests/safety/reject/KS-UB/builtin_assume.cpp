// expect: KS-UB
namespace svc {
int f(int x) {
    __builtin_assume(x > 0);
    return x;
}
}
