// expect: KS-RETREF
// A sub-view of a local view bound to a local String is not a sub-view of
// a parameter.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
klib::StringView f(klib::StringView in) {
    klib::String copy = klib::String::from(in).value();
    klib::StringView v = copy;
    return v.substr(0, 1);
}
} // namespace svc
