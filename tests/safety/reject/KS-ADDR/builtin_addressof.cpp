// expect: KS-ADDR
// __builtin_addressof is the same thing without the operator.
namespace svc {
struct S { int v = 0; };
bool check(S& s) { return __builtin_addressof(s) != nullptr; }
}
