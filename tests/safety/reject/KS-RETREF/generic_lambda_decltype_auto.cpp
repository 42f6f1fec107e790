// expect: KS-RETREF
// Exploits: a generic lambda returning decltype(auto) hands out a reference
// into an Optional; the container check cannot see through the call.
#include <klib/optional.h>
namespace svc {
int f() {
    auto get = [](auto& o) -> decltype(auto) { return (o.value()); };
    klib::Optional<int> opt = 3;
    int& r = get(opt);
    opt.reset();
    return r; // reads a destroyed value
}
} // namespace svc
