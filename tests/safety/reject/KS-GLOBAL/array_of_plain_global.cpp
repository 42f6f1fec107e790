// Reject: a global fixed array of plain integers is shared mutable state
// (only arrays of sync elements, e.g. Atomic, are allowed).
// expect: KS-GLOBAL
#include <klib/array.h>

namespace svc {

namespace {
klib::Array<unsigned long, 9> g_seen;
} // namespace

void mark(unsigned long n) {
    g_seen[n % 9] = 1;
}

} // namespace svc
