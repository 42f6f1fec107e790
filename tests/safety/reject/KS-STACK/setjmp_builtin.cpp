// expect: KS-STACK
namespace svc {
int f() {
    void* buf[5] = {};
    return __builtin_setjmp(buf);
}
}
