#include "arch/x86_64/cpu.h"
#include "arch/x86_64/init.h"
#include <keel/random.h>

namespace keel {

namespace {

// SAFETY (both): one instruction each; CF=1 means the value is valid. The
// caller checked CPUID, so the instruction exists.
bool rdrand64(u64& out) {
    u8 ok = 0;
    asm volatile("rdrand %0; setc %1" : "=r"(out), "=qm"(ok)::"cc");
    return ok != 0;
}
bool rdseed64(u64& out) {
    u8 ok = 0;
    asm volatile("rdseed %0; setc %1" : "=r"(out), "=qm"(ok)::"cc");
    return ok != 0;
}

} // namespace

bool hw_random_available(HwRandom kind) {
    return kind == HwRandom::Seed ? arch::features().rdseed : arch::features().rdrand;
}

klib::Optional<u64> hw_random(HwRandom kind) {
    if (!hw_random_available(kind)) {
        return klib::none;
    }
    for (int i = 0; i < 10; ++i) {
        u64 v = 0;
        if (kind == HwRandom::Seed ? rdseed64(v) : rdrand64(v)) {
            return v;
        }
        arch::pause();
    }
    return klib::none;
}

u64 cycle_counter() {
    return arch::rdtsc();
}

} // namespace keel
