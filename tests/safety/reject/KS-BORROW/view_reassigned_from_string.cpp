// expect: KS-BORROW
// A view that started as a literal may not be rebound to a String's buffer.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
usize f(const klib::String& s, bool c) {
    klib::StringView name = "none";
    if (c)
        name = s;
    return name.size();
}
} // namespace svc
