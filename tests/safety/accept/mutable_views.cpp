// What stays accepted next to the mutable-view rule (finding R4-02): views
// of integers or of const elements are shared (`&`), a lambda made for the
// call is owned by it, a FunctionRef to a const-callable object may be
// passed twice (Rust's `Fn`), and range-for iterators compare freely.
#include <klib/box.h>
#include <klib/function.h>
#include <klib/span.h>
#include <klib/vec.h>
namespace svc {
using klib::Box;
using klib::FunctionRef;
using klib::Span;
inline int sum_both(Span<int> a, const klib::Vec<int>& v) {
    int s = 0;
    for (int x : a)
        s += x;
    return s + v[0];
}
inline int read_both(Span<const Box<int>> a, const klib::Vec<Box<int>>& v) { return *a[0] + *v[0]; }
inline int call_both(FunctionRef<int()> a, FunctionRef<int()> b) { return a() + b(); }
struct Reader {
    int base = 1;
    int operator()() const { return base; }
};
inline int go() {
    klib::Vec<int> v;
    (void)v.try_push(1);
    int s = sum_both(v.span(), v);
    klib::Vec<Box<int>> boxes;
    (void)boxes.try_push(Box<int>::make(2).release_value());
    const klib::Vec<Box<int>>& cb = boxes;
    s += read_both(cb.span(), boxes);
    Reader rd;
    s += call_both(rd, rd);
    int k = 3;
    s += call_both([k] { return k; }, [&k] { return k + 1; });
    for (const Box<int>& b : boxes)
        s += *b;
    return s;
}
} // namespace svc
