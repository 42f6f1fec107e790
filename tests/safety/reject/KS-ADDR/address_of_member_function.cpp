// expect: KS-ADDR
namespace svc {
struct S { int f() { return 1; } };
bool has_f() { return &S::f != nullptr; }
}
