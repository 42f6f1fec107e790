// Interfaces in checked code: virtual functions, a virtual destructor,
// objects held in Box/Arc, implicit upcasts, references to the base, a
// checked downcast by type tag.
#include <klib/arc.h>
#include <klib/box.h>
#include <klib/downcast.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace svc {

class Inode {
public:
    virtual ~Inode() = default;
    virtual u64 size() const = 0;
    KLIB_DYN_BASE(Inode)
};

class RamInode final : public Inode {
public:
    explicit RamInode(u64 n) : n_(n) {}
    u64 size() const override { return n_; }
    KLIB_DYN_TYPE(RamInode)

private:
    u64 n_;
};

class DevInode final : public Inode {
public:
    u64 size() const override { return 0; }
    KLIB_DYN_TYPE(DevInode)
};

u64 size_of(const Inode& i) {
    return i.size();
}

klib::Result<u64> total() {
    klib::Vec<klib::Arc<Inode>> all;
    klib::Arc<RamInode> r = TRY(klib::Arc<RamInode>::make(5));
    klib::Arc<Inode> as_base = r.clone_as<Inode>();
    TRY(all.try_push(klib::move(as_base)));
    TRY(all.try_push(TRY(klib::Arc<DevInode>::make())));
    klib::Box<Inode> b = TRY(klib::Box<RamInode>::make(7));
    u64 sum = size_of(*b);
    for (const klib::Arc<Inode>& i : all) {
        sum += i->size();
        auto ram = klib::downcast<RamInode>(i);
        if (ram.has_value()) {
            sum += ram.value()->size();
        }
    }
    return sum;
}

// Constructing a derived object directly (no copy) is fine.
u64 local() {
    RamInode r(3);
    return size_of(r);
}

} // namespace svc
