// expect: KS-PTR
// Exploits: klib's Span(C&) used to accept any class with unsafe_data() and
// size(); unsafe_data() returning nullptr_t plus a huge size() made a Span
// over address 0, an arbitrary kernel write. klib now requires unsafe_data()
// to return exactly T* (host test KlibSoundness.SpanSourceMustReturnExactPointer);
// independently, the checker refuses nullptr_t as a declared type.
#include <klib/span.h>
namespace svc {
struct Evil {
    decltype(nullptr) unsafe_data() { return nullptr; }
    usize size() { return ~usize(0) / 8; }
};
} // namespace svc
