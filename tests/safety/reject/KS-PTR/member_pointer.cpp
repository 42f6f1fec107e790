// expect: KS-PTR
// Pointer to data member.
namespace svc {
struct S { int a = 0; int b = 0; };
int pick(S& s, int S::*m) { return s.*m; }
}
