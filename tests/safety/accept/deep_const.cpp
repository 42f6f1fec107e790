// Accept: deep const. Owners are mutated through non-const access; state
// shared through an Arc changes only through sync types (Atomic, SpinLock),
// whose operations are const; a Function<Sig const> is shared and called
// through an Arc, a FnMut-like Function<Sig> keeps its own state.
#include <keel/sync/spinlock.h>
#include <klib/arc.h>
#include <klib/atomic.h>
#include <klib/box.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace svc {

struct Counters {
    klib::Atomic<unsigned long> opens;
    keel::SpinLock<klib::Vec<int>> log;
    void opened(int fd) const {
        opens.fetch_add(1, klib::MemoryOrder::Relaxed);
        log.with([fd](klib::Vec<int>& v) { (void)v.try_push(fd); });
    }
};

klib::Result<unsigned long> share_counters() {
    klib::Arc<Counters> a = TRY(klib::Arc<Counters>::make());
    klib::Arc<Counters> b = a.clone();
    (*a).opened(3);
    (*b).opened(4);
    unsigned long logged = (*a).log.with([](klib::Vec<int>& v) { return v.size(); });
    return (*b).opens.load(klib::MemoryOrder::Relaxed) + logged;
}

klib::Result<int> boxed() {
    klib::Box<klib::Vec<int>> b = TRY(klib::Box<klib::Vec<int>>::make());
    TRY(b->try_push(1));
    TRY((*b).try_push(2));
    const klib::Box<klib::Vec<int>>& cb = b;
    return (*cb)[0] + cb->back();
}

klib::Result<int> shared_function() {
    klib::Arc<klib::Atomic<int>> calls = TRY(klib::Arc<klib::Atomic<int>>::make(0));
    klib::Function<int(int) const> f = TRY(klib::Function<int(int) const>::make(
        [c = calls.clone()](int x) { return c->fetch_add(1, klib::MemoryOrder::Relaxed) + x; }));
    klib::Arc<klib::Function<int(int) const>> a = TRY(klib::Arc<klib::Function<int(int) const>>::make(klib::move(f)));
    klib::Arc<klib::Function<int(int) const>> b = a.clone();
    return (*a)(10) + (*b)(20);
}

klib::Result<int> counter_function() {
    klib::Function<int()> next = TRY(klib::Function<int()>::make([n = 0]() mutable { return ++n; }));
    int first = next();
    return first + next();
}

} // namespace svc
