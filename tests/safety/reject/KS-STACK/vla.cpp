// expect: KS-STACK
// plain-extra: -Wno-vla-cxx-extension
namespace svc {
int f(int n) {
    int buf[n];
    buf[0] = 1;
    return buf[0];
}
}
