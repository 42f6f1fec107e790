// expect: KS-ADDR
// Even in an unevaluated operand, taking an address is refused.
namespace svc {
int x_size(int x) { return sizeof(&x) == 8 ? x : 0; }
}
