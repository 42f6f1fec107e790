// expect: KS-CAST
// __builtin_bit_cast building a struct from bytes.
namespace svc {
struct Pair { unsigned int a; unsigned int b; };
unsigned int first(unsigned long raw) { return __builtin_bit_cast(Pair, raw).a; }
}
