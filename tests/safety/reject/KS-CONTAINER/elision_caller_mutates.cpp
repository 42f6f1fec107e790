// expect: KS-CONTAINER
// The result of a function returning a sub-view of its argument borrows
// from the argument: growing the String while it lives is refused.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
klib::StringView head(klib::StringView s) { return s.substr(0, 1); }
usize f(klib::String& line) {
    klib::StringView h = head(line);
    (void)line.try_append("0123456789012345678901234567890123456789");
    return h.size() + usize(h[0]);
}
} // namespace svc
