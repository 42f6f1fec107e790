// expect: KS-UNSAFE-CALL
// Exploits: trusted templates recognise containers by an `unsafe_data()`
// member; a checked class must not provide that hook, whatever it returns
// (names starting with unsafe_ are reserved to trusted code).
#include <klib/span.h>
namespace svc {
struct Evil {
    auto unsafe_data() { return 0; }
    usize size() { return 1u << 30; }
};
} // namespace svc
