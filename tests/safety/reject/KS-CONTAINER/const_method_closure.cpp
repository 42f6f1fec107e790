// expect: KS-CONTAINER
// Class 4: a const method borrows its object for the call; a closure that
// mutates the same object is a second path (the method may hold a
// reference into items_ while it calls the closure).
#include <klib/function.h>
#include <klib/vec.h>
namespace svc {
class Table {
public:
    int visit(klib::FunctionRef<void()> f) const {
        const int& first = items_[0];
        f();
        return first;
    }
    void grow() { (void)items_.try_push(1); }

private:
    klib::Vec<int> items_;
};
int f(Table& t) {
    return t.visit([&] { t.grow(); });
}
} // namespace svc
