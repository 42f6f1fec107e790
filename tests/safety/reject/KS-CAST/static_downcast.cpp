// expect: KS-CAST
// Unchecked downcast.
namespace svc {
struct Base { int kind = 0; };
struct Derived : Base { int extra = 0; };
int extra(Base& b) { return static_cast<Derived&>(b).extra; }
}
