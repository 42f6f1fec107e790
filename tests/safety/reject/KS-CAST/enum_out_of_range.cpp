// expect: KS-CAST
// Casting to an enum without a fixed underlying type: out of range is UB.
namespace svc {
enum Color { Red, Green };
Color from(int x) { return static_cast<Color>(x); }
}
