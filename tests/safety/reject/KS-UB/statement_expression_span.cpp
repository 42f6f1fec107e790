// expect: KS-UB
// Finding 12: a Span over a local klib::Array declared inside the block.
#include <klib/array.h>
#include <klib/span.h>
namespace svc {
int sum(klib::Span<const int> s) {
    int t = 0;
    for (int x : s)
        t += x;
    return t;
}
int f() {
    return sum(({
        klib::Array<int, 4> a{};
        klib::Span<const int>{a};
    }));
}
} // namespace svc
