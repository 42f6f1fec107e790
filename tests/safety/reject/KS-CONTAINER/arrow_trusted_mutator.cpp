// expect: KS-CONTAINER
// Finding 04 (root cause A): a trusted mutator (`try_push`) reached through
// Optional's operator-> while a reference into the Vec lives.
#include <klib/optional.h>
#include <klib/vec.h>
namespace svc {
int attack(klib::Optional<klib::Vec<int>>& o) {
    int& r = (*o)[0];
    (void)o->try_push(1);
    return r;
}
} // namespace svc
