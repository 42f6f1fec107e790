// Accept: generic lambdas returning values, sorting through a borrow guard,
// element updates in range-for, structured bindings, const methods of the
// service's own class while an element reference is live.
#include <klib/algorithm.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/utility.h>
#include <klib/vec.h>

namespace svc {

struct Pair {
    int a = 0;
    int b = 0;
};

struct Table {
    klib::Vec<int> rows;
    usize count() const { return rows.size(); }
};

klib::Result<int> sum_sorted() {
    klib::Vec<int> v;
    TRY(v.try_push(3));
    TRY(v.try_push(1));
    TRY(v.try_push(2));
    klib::sort<int>(v.span(), [](const int& a, const int& b) { return a < b; });
    int total = 0;
    for (int& x : v) {
        x *= 2;
        total += x;
    }
    auto twice = [](auto x) { return x + x; };
    total = twice(total);
    klib::Function<int(int)> inc = TRY(klib::Function<int(int)>::make([](int x) { return x + 1; }));
    return inc(total);
}

int bindings() {
    Pair p{1, 2};
    auto [x, y] = p;
    auto& [rx, ry] = p;
    rx += y;
    return x + ry + klib::min(rx, 3);
}

klib::Result<usize> first_plus_count() {
    Table t;
    TRY(t.rows.try_push(7));
    int& first = t.rows[0];
    first += 1;
    return usize(first) + t.count();
}

} // namespace svc
