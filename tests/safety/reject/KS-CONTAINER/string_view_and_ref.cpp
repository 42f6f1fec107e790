// expect: KS-CONTAINER
// Class 4: a String passed both as a StringView and as String&.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
usize append_twice(klib::String& s, klib::StringView tail) {
    (void)s.try_append("0123456789012345678901234567890123456789");
    return tail.size() + usize(tail[0]);
}
usize f(klib::String& s) { return append_twice(s, s); }
} // namespace svc
