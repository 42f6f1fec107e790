// expect: KS-FLAGS
// checked-extra: -fomit-frame-pointer
// Without `push %rbp` at entry, a frame of exactly the guard size could
// leave the whole guard page untouched.
namespace svc {
int f(int a) { return a + 1; }
}
