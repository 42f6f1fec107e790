// expect: KS-UB
// Issue 11: `break` out of a statement expression in the middle of an
// aggregate initialisation: the jump abandons a half-built full-expression
// (one Box constructed, the other not), leaving its cleanup to the
// compiler. Refused: checked code writes no statement expressions.
#include <klib/box.h>
namespace svc {
struct Pair {
    klib::Box<int> a;
    klib::Box<int> b;
};
inline int f(int n) {
    int sum = 0;
    for (int i = 0; i < n; ++i) {
        Pair p{klib::Box<int>::make(i).value(), ({
                   if (i == 3)
                       break;
                   klib::Box<int>::make(i + 1).value();
               })};
        sum += *p.a + *p.b;
    }
    return sum;
}
} // namespace svc
