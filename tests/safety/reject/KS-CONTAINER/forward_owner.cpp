// expect: KS-CONTAINER
// Class 3: klib::forward<T> of an owner is a move too.
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/utility.h>
namespace svc {
usize f(klib::String& s) {
    klib::StringView sv = s;
    {
        klib::String taken(klib::forward<klib::String>(s));
    }
    return sv.size() + usize(sv[0]);
}
} // namespace svc
