// expect: KS-CAST
// A cast hidden in a macro defined in the checked file is still checked.
#define AS_REF(T, x) reinterpret_cast<T&>(x)
namespace svc {
unsigned int bits(float& f) { return AS_REF(unsigned int, f); }
}
