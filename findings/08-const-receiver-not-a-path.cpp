// Finding 08: the receiver of a *const* method is not counted as a path by
// the two-paths rule. `v[0].peek(v)` is accepted when peek() is const
// (the non-const twin is refused: "two paths to 'v'"). peek() replaces the
// Vec through its (non-const) parameter, freeing the buffer that holds
// *this, then reads its own field. Same with a borrowing callback instead
// of the parameter: `v[0].peek([&] { v = klib::Vec<E>(); })`, and with
// `(*a).run([&] { a = ...; })` on an Arc (finding 07 without operator->).
#include <klib/vec.h>

namespace services::redteam {

struct E {
    int x = 7;
    int peek(klib::Vec<E>& v) const {
        v = klib::Vec<E>(); // frees the buffer that holds *this
        return x;           // heap use-after-free (read)
    }
};

int attack(klib::Vec<E>& v) {
    return v[0].peek(v);
}

} // namespace services::redteam
