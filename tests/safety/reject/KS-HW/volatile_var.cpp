// expect: KS-HW
namespace svc {
int spin(int n) {
    volatile int x = n;
    return x;
}
}
