// expect: KS-UB
namespace svc {
int f(int x) {
    if (x > 0) return x;
    __builtin_unreachable();
}
}
