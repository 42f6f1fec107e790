// expect: KS-CONTAINER
// Issue 11 residual: the same `mutable` lambda reached through two
// FunctionRefs in one call. `a(b)` runs the lambda, which holds a
// reference into its own Vec and calls `b`, the same lambda, which
// replaces that Vec (heap use-after-free under ASan).
#include <klib/function.h>
#include <klib/vec.h>
namespace svc {
using klib::FunctionRef;
inline void run(FunctionRef<int(FunctionRef<int()>)> a, FunctionRef<int()> b) { a(b); }
inline int twice() {
    klib::Vec<int> seed;
    (void)seed.try_push(1);
    auto l = [v = klib::move(seed)](auto... other) mutable -> int {
        if constexpr (sizeof...(other) == 0) {
            v = klib::Vec<int>();
            return 0;
        } else {
            int& r = v[0];
            (other(), ...);
            r = 5;
            return r;
        }
    };
    FunctionRef<int()> b = l;
    run(l, b);
    return 0;
}
} // namespace svc
