// expect: KS-RETREF
// Lifetime elision covers by-value view parameters only: a view of a
// String parameter is still a returned borrow.
#include <klib/string.h>
#include <klib/string_view.h>
namespace svc {
klib::StringView f(const klib::String& s) { return s.view(); }
} // namespace svc
