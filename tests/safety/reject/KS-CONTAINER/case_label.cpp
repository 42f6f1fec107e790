// expect: KS-CONTAINER
// Class 1: a borrow declared right after a case label (the declaration is a
// child of the CaseStmt, not of the block).
#include <klib/vec.h>
namespace svc {
int f(klib::Vec<int>& v, int k) {
    switch (k) {
    case 0:
        int& r = v[0];
        (void)v.try_push(1);
        return r;
    }
    return 0;
}
} // namespace svc
