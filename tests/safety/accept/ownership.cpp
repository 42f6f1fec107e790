// Accept: Box/Arc ownership, klib::Function with by-value captures, String.
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
    klib::Arc<Inode> a = TRY(klib::Arc<Inode>::make());
    a->ino = ino;
    klib::Function<unsigned long(unsigned long)> add =
        TRY(klib::Function<unsigned long(unsigned long)>::make([ino](unsigned long x) { return x + ino; }));
    return add(a->ino);
}

klib::Result<unsigned long> name_length() {
    klib::String s = TRY(klib::String::from("hello"));
    return s.size();
}

} // namespace svc
