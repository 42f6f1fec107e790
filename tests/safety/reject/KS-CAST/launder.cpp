// expect: KS-CAST
namespace svc {
struct S { int v; };
int get(S& s) { return __builtin_launder(__builtin_addressof(s))->v; }
}
