// expect: KS-UB
// Finding 10: ext_vector_type shifts are not checked by -fsanitize=shift.
namespace svc {
using V4 = int __attribute__((ext_vector_type(4)));
int f(int v, int n) {
    V4 a = {v, v, v, v};
    V4 s = a << n;
    return s.x;
}
} // namespace svc
