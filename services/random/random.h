// The kernel's random number generator (getrandom, /dev/random,
// /dev/urandom): a ChaCha20 CSPRNG with fast key erasure, seeded from the
// CPU's RDSEED/RDRAND when present and always from timing jitter, and
// reseeded from the same sources (plus mixed-in events and writes to
// /dev/random) at most every RESEED_NS.
//
// Generation: under the lock, one ChaCha20 block of the base key gives the
// next base key (the old one is gone: earlier output cannot be rebuilt from
// a later state) and a one-time key; the caller's bytes are that one-time
// key's stream, made outside the lock. Seeding material is absorbed 32
// bytes at a time: key = ChaCha20(key ^ chunk) [first 32 bytes] — a
// permutation-based compression, not a proven extractor (Linux uses
// BLAKE2s); the material's entropy is what seeds it.
#pragma once

#include <klib/span.h>
#include <klib/types.h>

namespace services::random {

constexpr u64 RESEED_NS = 60ull * 1000000000; // as Linux's crng

// Fills `out` with random bytes. Seeds on first use. Any task context.
void fill(klib::Span<u8> out);
// Mixes bytes into the pool (writes to /dev/random, device events); they
// take effect at the next reseed, which they do not force.
void mix(klib::Span<const u8> bytes);
// Mixes the time of an event (an interrupt, a key press).
void add_event(u64 value);
// Whether the CPU supplied seed material (RDSEED or RDRAND) at the last
// seeding; jitter is always used.
bool hw_seeded();

} // namespace services::random
