// expect: KS-UB
// Issue 11: a service's own TRY-like macro. Its `({` is spelled in this
// (checked) file, so it is refused even though it yields an owned value;
// the trusted TRY / KLIB_TRY_MAP are the only forms.
#include <klib/box.h>
#include <klib/result.h>
#define SVC_TRY(e)                                                                                 \
    ({                                                                                             \
        auto svc_r = (e);                                                                          \
        if (svc_r.is_err())                                                                        \
            return svc_r.error();                                                                  \
        klib::move(svc_r).release_value();                                                         \
    })
namespace svc {
inline klib::Result<klib::Box<int>> make(int v) { return klib::Box<int>::make(v); }
inline klib::Result<int> f() {
    klib::Box<int> b = SVC_TRY(make(1));
    return *b;
}
} // namespace svc
