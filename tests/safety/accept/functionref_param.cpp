// Accept: a service's own function taking a FunctionRef callback, called
// with a lambda that captures by reference (the parameter is a view, so it
// cannot escape the callee).
#include <klib/function.h>
#include <klib/string_view.h>

namespace svc {

void each(int n, klib::FunctionRef<void(int)> f) {
    for (int i = 0; i < n; ++i) {
        f(i);
    }
}

int total(int n) {
    int sum = 0;
    each(n, [&](int x) { sum += x; });
    return sum;
}

} // namespace svc
