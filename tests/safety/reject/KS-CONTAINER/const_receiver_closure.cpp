// expect: KS-CONTAINER
// Finding 08: a const receiver in a Vec and a closure that clears the Vec.
#include <klib/function.h>
#include <klib/vec.h>
namespace svc {
struct E {
    int x = 7;
    int peek(klib::FunctionRef<void()> f) const {
        f();
        return x;
    }
};
int attack(klib::Vec<E>& v) {
    return v[0].peek([&] { v.clear(); });
}
} // namespace svc
