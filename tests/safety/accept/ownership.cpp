// Accept: Box/Arc ownership, klib::Function with by-value captures, String.
// (Arc gives read-only access; shared mutable state lives in a SpinLock.)
#include <klib/arc.h>
#include <klib/box.h>
#include <klib/function.h>
#include <klib/result.h>
#include <klib/string.h>

namespace svc {

struct Inode {
    unsigned long ino = 0;
    unsigned long size = 0;
};

klib::Result<klib::Box<Inode>> make_inode(unsigned long ino) {
    klib::Box<Inode> b = TRY(klib::Box<Inode>::make());
    b->ino = ino;
    return b;
}

klib::Result<unsigned long> share(unsigned long ino) {
    // Shared objects are read through the Arc; they are filled in before.
    klib::Arc<Inode> a = TRY(klib::Arc<Inode>::make(Inode{ino, 0}));
    klib::Function<unsigned long(unsigned long)> add =
        TRY(klib::Function<unsigned long(unsigned long)>::make([ino](unsigned long x) { return x + ino; }));
    return add(a->ino);
}

klib::Result<unsigned long> name_length() {
    klib::String s = TRY(klib::String::from("hello"));
    return s.size();
}

} // namespace svc

#include <keel/sync/spinlock.h>

namespace svc {

struct Counter {
    keel::SpinLock<unsigned long> hits;
};

// Shared and mutable: Arc<T> with a lock inside, mutated through the lock.
klib::Result<unsigned long> count_twice() {
    klib::Arc<Counter> c = TRY(klib::Arc<Counter>::make());
    klib::Arc<Counter> other = c.clone();
    c->hits.with([](unsigned long& h) { h += 1; });
    other->hits.with([](unsigned long& h) { h += 1; });
    return c->hits.with([](unsigned long& h) { return h; });
}

} // namespace svc
