// Finding 05: range-for over a StringView of a String reached through
// Box::operator->, while the loop body grows the String with a method called
// through the same operator->. The static range-for rule does not see
// `b->grow()` as a mutation of `b` (the plain `h.grow()` form is refused),
// and StringView iteration has no run-time borrow counter: the loop keeps
// reading the freed buffer (heap use-after-free read).
#include <klib/box.h>
#include <klib/string.h>

namespace services::redteam {

struct Text {
    klib::String s;
    void grow() {
        (void)s.try_append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop");
    }
};

int attack(klib::Box<Text>& b) {
    int sum = 0;
    for (char c : b->s.view()) {
        b->grow(); // reallocates the buffer the loop iterates over
        sum += c;  // next iteration reads freed memory
    }
    return sum;
}

} // namespace services::redteam
