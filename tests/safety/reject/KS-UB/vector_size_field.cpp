// expect: KS-UB
// Finding 10: a vector_size member (also escapes KS-INIT's field checks).
namespace svc {
typedef int V2 __attribute__((vector_size(8)));
struct S {
    V2 v;
    int k = 0;
};
int f(S& s, int n) { return (s.v << n)[0] + s.k; }
} // namespace svc
