// expect: KS-PTR
// decltype of a pointer-typed expression.
namespace svc {
struct S { int v = 0; };
int get(S& s) {
    decltype(__builtin_addressof(s.v)) q = nullptr;
    return q == nullptr ? s.v : 0;
}
}
