// expect: KS-GLOBAL
namespace svc {
int next() {
    static int n = 0;
    return ++n;
}
}
