// expect: KS-CONST
// A const method of one Arc clone frees the buffer another clone borrows
// (heap-use-after-free: the program from tests/host/klib_deep_const_test.cpp's
// history). Arc gives only const access; `mutable` would undo that.
#include <klib/arc.h>
#include <klib/vec.h>
namespace svc {
struct Cached {
    mutable klib::Vec<int> v;
    void reset() const { v = klib::Vec<int>(); }
};
int hole() {
    auto a = MUST(klib::Arc<Cached>::make());
    klib::Arc<Cached> b = a.clone();
    const int& r = (*a).v[0];
    (*b).reset();
    return r;
}
}
