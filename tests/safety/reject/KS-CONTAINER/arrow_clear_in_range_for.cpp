// expect: KS-CONTAINER
// Finding 05 (root cause A): range-for over a view reached through `->`,
// mutated through `->` in the body.
#include <klib/box.h>
#include <klib/string.h>
namespace svc {
struct Text {
    klib::String s;
    void grow() { (void)s.try_append("0123456789abcdefghijklmnopqrstuvwxyz"); }
};
int attack(klib::Box<Text>& b) {
    int sum = 0;
    for (char c : b->s.view()) {
        b->grow();
        sum += c;
    }
    return sum;
}
} // namespace svc
