// ktests of i_writecount (write_access.h): writers and program images
// exclude each other, holds come back when dropped, copies of a hold
// count separately.
#include "write_access.h"

#include <keel/ktest.h>

namespace services::fs {

namespace {

Stat file(u64 ino) {
    Stat st;
    st.dev = 0xfff0; // no file system uses this device number
    st.ino = ino;
    st.mode = S_IFREG | 0755;
    return st;
}

i64 code(const klib::Result<WriteGuard, Errno>& r) {
    return r.is_err() ? i64(r.error()) : 0;
}

} // namespace

KTEST(write_access_writers_and_images_exclude) {
    const Stat st = file(1);
    {
        auto w1 = get_write_access(st);
        auto w2 = get_write_access(st); // many writers
        KASSERT(w1.is_ok() && w2.is_ok());
        KEXPECT_EQ(code(deny_write_access(st)), i64(Errno::ETXTBSY));
    }
    // Both writers gone: the file may run, and then not be written.
    auto img = deny_write_access(st);
    KASSERT(img.is_ok());
    KEXPECT_EQ(code(get_write_access(st)), i64(Errno::ETXTBSY));
    KEXPECT(deny_write_access(st).is_ok()); // another image of it: fine
    KEXPECT(get_write_access(file(2)).is_ok()); // other inodes are apart
}

KTEST(write_access_again_and_move_count_once_each) {
    const Stat st = file(3);
    klib::Optional<WriteGuard> moved;
    {
        WriteGuard img = MUST(deny_write_access(st));
        WriteGuard copy = img.again(); // a forked child's image
        moved = klib::move(copy);      // moving does not add a hold
    }
    // `img` is gone, the moved copy still holds.
    KEXPECT_EQ(code(get_write_access(st)), i64(Errno::ETXTBSY));
    moved = klib::none;
    KEXPECT(get_write_access(st).is_ok());
}

} // namespace services::fs
