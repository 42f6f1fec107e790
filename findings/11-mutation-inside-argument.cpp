// Finding 11: a call whose receiver (or an earlier argument) borrows an
// element, while another *argument expression* mutates the container. The
// two-paths rule looks at the call's direct operands as paths; a mutation
// nested inside an argument (a call taking the container by reference, a
// trusted mutator such as try_push, an assignment inside a comma
// expression) is not a path, and no same-block borrow is declared.
// C++17 sequences the receiver `v[0]` before the arguments, so the element
// reference is taken, then the buffer is freed/reallocated, then the method
// writes to the old buffer.
#include <klib/vec.h>

namespace services::redteam {

struct E {
    int x = 7;
    int poke(int add) {
        x += add; // write through a dangling `this`
        return x;
    }
};

int drop_all(klib::Vec<E>& v) {
    v = klib::Vec<E>();
    return 1;
}

// Frees the buffer through a helper taking the Vec by reference.
int attack_helper(klib::Vec<E>& v) {
    return v[0].poke(drop_all(v));
}

// Reallocates with a trusted mutator inside the argument.
int attack_push(klib::Vec<E>& v) {
    return v[0].poke(v.try_push(E{}).is_ok() ? 1 : 0);
}

// Same with a free function and an element-reference argument.
int add_to(int& r, int add) {
    r += add;
    return r;
}
int attack_free(klib::Vec<int>& v) {
    return add_to(v[0], (v = klib::Vec<int>(), 1));
}

} // namespace services::redteam
