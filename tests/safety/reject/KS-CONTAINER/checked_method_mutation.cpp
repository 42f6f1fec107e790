// expect: KS-CONTAINER
// Exploits: a non-const method of the service's own class grows the Vec
// that an element reference points into (the name is not a mutator name).
#include <klib/vec.h>
namespace svc {
struct S {
    klib::Vec<int> v;
    void grow() {
        for (int i = 0; i < 100; ++i) {
            (void)v.try_push(i);
        }
    }
};
int f() {
    S s;
    (void)s.v.try_push(1);
    int& r = s.v[0];
    s.grow();
    return r; // the storage was reallocated
}
} // namespace svc
