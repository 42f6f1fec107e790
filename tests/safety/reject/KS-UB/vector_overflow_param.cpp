// expect: KS-UB
// Finding 10: vector arithmetic wraps without -fsanitize=signed-integer-overflow.
namespace svc {
typedef int V4 __attribute__((vector_size(16)));
int f(V4 a, V4 b) { return (a + b)[0]; }
} // namespace svc
