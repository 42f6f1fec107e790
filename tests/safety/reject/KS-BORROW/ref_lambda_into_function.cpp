// expect: KS-BORROW
// A by-reference lambda stored in a klib::Function that outlives the frame.
#include <klib/function.h>
#include <klib/result.h>
namespace svc {
klib::Result<klib::Function<int()>> make_counter() {
    int count = 0;
    return klib::Function<int()>::make([&] { return ++count; });
}
}
