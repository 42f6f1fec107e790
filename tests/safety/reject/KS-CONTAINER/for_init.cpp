// expect: KS-CONTAINER
// Class 1: a view declared in a for init-statement.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
usize f(klib::String& s) {
    usize n = 0;
    for (klib::StringView sv = s; n < 2; ++n) {
        (void)s.try_append("more text that reallocates the buffer");
        n += sv.size() + usize(sv[0]);
    }
    return n;
}
} // namespace svc
