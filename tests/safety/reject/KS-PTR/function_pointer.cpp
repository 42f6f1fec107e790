// expect: KS-PTR
// A function pointer variable (indirect calls to anything).
namespace svc {
int one() { return 1; }
int call() {
    int (*fp)() = one;
    return fp();
}
}
