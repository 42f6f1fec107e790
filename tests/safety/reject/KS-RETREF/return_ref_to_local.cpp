// expect: KS-RETREF
// plain-extra: -Wno-return-stack-address
namespace svc {
int& bad() {
    int x = 1;
    int& r = x;
    return r;
}
}
