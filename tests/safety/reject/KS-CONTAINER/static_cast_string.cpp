// expect: KS-CONTAINER
// Class 3: a String moved away with static_cast<String&&> while a view of it
// lives; the new owner dies first.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
usize f(klib::String& s) {
    klib::StringView sv = s;
    {
        klib::String taken(static_cast<klib::String&&>(s));
    }
    return sv.size() + usize(sv[0]);
}
} // namespace svc
