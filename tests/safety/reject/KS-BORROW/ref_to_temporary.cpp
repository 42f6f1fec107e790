// expect: KS-BORROW
// A reference bound to the result of max() of two temporaries dangles at
// the semicolon (clang's -Wdangling does not see it).
#include <klib/utility.h>
namespace svc {
int biggest(int a) {
    const int& r = klib::max(a, 2);
    return r;
}
}
