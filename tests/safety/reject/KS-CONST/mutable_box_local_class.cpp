// expect: KS-CONST
// A local class with a mutable owner: a const call replaces the Box that a
// reference obtained through const still points into.
#include <klib/box.h>
namespace svc {
klib::Result<int> f() {
    struct Holder {
        mutable klib::Box<int> b;
        void swap_in(klib::Box<int> fresh) const { b = klib::move(fresh); }
    };
    const Holder h{TRY(klib::Box<int>::make(1))};
    const int& r = *h.b;
    h.swap_in(TRY(klib::Box<int>::make(2)));
    return r;
}
}
