// The CPU's hardware random number generator (RDSEED, RDRAND) and a cycle
// counter for timing-jitter entropy. Policy (pooling, the CSPRNG, what to do
// without hardware) is the services' (services/random).
#pragma once

#include <klib/annotations.h>
#include <klib/optional.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace keel {

enum class HwRandom : u8 {
    Seed, // RDSEED: conditioned entropy, may run dry under load
    Rand, // RDRAND: output of the CPU's DRBG, reseeded from the same source
};

// Whether the CPU has the instruction (CPUID).
bool hw_random_available(HwRandom kind);
// 64 bits from the instruction, retried up to 10 times (Intel's guidance:
// RDRAND fails only after 10 tries if the hardware is broken; RDSEED can
// fail transiently, so callers fall back). None when the CPU lacks it or
// every try failed. Any context.
klib::Optional<u64> hw_random(HwRandom kind);
// The time-stamp counter (raw cycles): its low bits around events whose
// timing varies (interrupts, memory, the host under virtualisation) are the
// jitter a seed can be mixed from.
u64 cycle_counter();

} // namespace keel

KLIB_TRUSTED_END
