// expect: KS-CONTAINER
#include <klib/vec.h>
namespace svc {
void dup(klib::Vec<int>& v) {
    for (int x : v) (void)v.try_push(x);
}
}
