// Precision (issue 11): borrow idioms Rust accepts and the checker proves
// sound. The unsound variants are reject cases in tests/safety/reject/.
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace svc {

// Non-lexical lifetimes: `r` is dead (last used) before the push.
int nll(klib::Vec<int>& v) {
    int& r = v[0];
    int first = r;
    (void)v.try_push(first);
    return first;
}

// A view that is dead before the mutation, used again only through a
// fresh borrow.
usize nll_view(klib::String& s) {
    klib::StringView sv = s;
    usize n = sv.size();
    (void)s.try_append("tail");
    klib::StringView again = s;
    return n + again.size();
}

// A borrowing closure kept in a local and only called in the same block;
// its writes happen at the calls (after the last use of `r`).
int stored_closure(klib::Vec<int>& v) {
    auto push = [&](int x) { (void)v.try_push(x); };
    int& r = v[0];
    int copy = r;
    push(copy);
    push(copy + 1);
    return copy;
}

// Disjoint sibling fields: writing `b` while borrowing into `a`.
struct Pair {
    klib::Vec<int> a;
    klib::Vec<int> b;
    int count = 0;
};
int disjoint(Pair& p) {
    int& r = p.a[0];
    (void)p.b.try_push(r);
    p.count += 1;
    return r;
}

// A field borrow survives a checked method that cannot free it: `r`
// refers to the scalar field itself, not into owned storage.
struct Counter {
    klib::Vec<int> log;
    int hits = 0;
    void record(int x) { (void)log.try_push(x); }
};
int field_then_method(Counter& c) {
    int& hits = c.hits;
    c.record(hits);
    hits += 1;
    return hits;
}

// A view reassigned only from string literals always points to static
// storage.
klib::StringView literal_view(int code) {
    klib::StringView name = "unknown";
    if (code == 1)
        name = "one";
    else if (code == 2)
        name = "two";
    return name.size() > 3 ? klib::StringView("long") : klib::StringView("short");
}

// Lifetime elision: returning a sub-view of a view parameter. Callers
// track the result as borrowing from the argument.
klib::StringView first_word(klib::StringView s) {
    usize i = 0;
    while (i < s.size() && s[i] != ' ')
        ++i;
    return s.substr(0, i);
}
usize use_first_word(const klib::String& line) {
    klib::StringView w = first_word(line);
    return w.size();
}

// Distinct elements of one span swapped: integers own nothing.
void swap_ints(klib::Span<int> s) {
    if (s.size() >= 2)
        klib::swap(s[0], s[1]);
}

} // namespace svc
