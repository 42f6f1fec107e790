// expect: KS-CONTAINER
// Finding 07: the closure drops the last Arc while a const method runs on
// the object it owns (`a->run(...)` borrows `*a` for the call).
#include <klib/arc.h>
#include <klib/function.h>
namespace svc {
struct Node {
    int x = 7;
    int run(klib::FunctionRef<void()> cb) const {
        cb();
        return x;
    }
};
int attack(klib::Arc<Node>& a) {
    return a->run([&] { a = klib::Arc<Node>::make().value(); });
}
} // namespace svc
