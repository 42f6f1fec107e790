// Accept: a global fixed array of atomics (one bit per number, set once).
#include <klib/array.h>
#include <klib/atomic.h>

namespace svc {

namespace {
klib::Array<klib::Atomic<unsigned long>, 9> g_seen;
} // namespace

bool first_time(unsigned long n) {
    const unsigned long bit = n < 512 ? n : 512;
    const unsigned long mask = 1ul << (bit % 64);
    return (g_seen[bit / 64].fetch_or(mask, klib::MemoryOrder::Relaxed) & mask) == 0;
}

} // namespace svc
