// Red-team findings shown in the kernel: accepted service code that writes
// into another live object through a dangling element reference
// (findings/04-arrow-method-call-not-a-mutation.cpp, and 08's const receiver).
// These tests FAIL while the checker accepts the pattern: the failure message
// shows the corruption.
#include <keel/ktest.h>
#include <klib/box.h>
#include <klib/vec.h>

namespace services::selftest {

namespace {

struct RtNode {
    klib::Vec<i32> v;
    void reset() { v = klib::Vec<i32>(); }
};

struct RtElem {
    i32 x = 7;
    i32 peek(klib::Vec<RtElem>& v) const {
        v = klib::Vec<RtElem>(); // frees the buffer holding *this
        klib::Vec<RtElem> fresh;  // likely reuses the freed block
        MUST(fresh.try_push(RtElem{0x41414141}));
        MUST(fresh.try_push(RtElem{0x41414141}));
        MUST(fresh.try_push(RtElem{0x41414141}));
        MUST(fresh.try_push(RtElem{0x41414141}));
        return x; // reads fresh's element if the block was reused
    }
};

} // namespace

// Finding 04: `b->reset()` is not seen as a mutation while `r` borrows b->v.
KTEST(redteam_finding04_arrow_method_dangling_write) {
    auto b = MUST(klib::Box<RtNode>::make());
    for (i32 i = 0; i < 4; ++i) {
        MUST(b->v.try_push(i));
    }
    i32& r = b->v[0];
    b->reset(); // frees the buffer r points into
    klib::Vec<i32> victim;
    for (i32 i = 0; i < 4; ++i) {
        MUST(victim.try_push(0x11111111));
    }
    r = 42; // lands in victim's buffer if the block was reused
    KEXPECT_EQ(victim[0], 0x11111111);
}

// Finding 08: the receiver of a const method is not a path.
KTEST(redteam_finding08_const_receiver_dangling_read) {
    klib::Vec<RtElem> v;
    MUST(v.try_push(RtElem{}));
    MUST(v.try_push(RtElem{}));
    MUST(v.try_push(RtElem{}));
    MUST(v.try_push(RtElem{}));
    i32 got = v[0].peek(v);
    KEXPECT_EQ(got, 7);
}

} // namespace services::selftest
