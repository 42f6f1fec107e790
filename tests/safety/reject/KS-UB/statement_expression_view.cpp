// expect: KS-UB
// Finding 12: a statement expression yields a view of a local that dies at
// its closing brace.
#include <klib/string.h>
namespace svc {
char first(klib::StringView v) { return v.size() ? v[0] : 0; }
char attack() {
    return first(({
        klib::String s = klib::String::from("a heap string").value();
        s.view();
    }));
}
} // namespace svc
