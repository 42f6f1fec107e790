// expect: KS-CONTAINER
// Finding 04 inside a KTEST body (the red team's kernel proof): a reference
// into b->v, then b->reset().
#include <keel/ktest.h>
#include <klib/box.h>
#include <klib/vec.h>
namespace svc {
struct RtNode {
    klib::Vec<i32> v;
    void reset() { v = klib::Vec<i32>(); }
};
KTEST(arrow_reset_dangles) {
    auto b = MUST(klib::Box<RtNode>::make());
    MUST(b->v.try_push(1));
    i32& r = b->v[0];
    b->reset();
    r = 42;
}
} // namespace svc
