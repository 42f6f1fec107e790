#include "random.h"

#include "chacha20.h"
#include <keel/random.h>
#include <keel/sync/spinlock.h>
#include <keel/time.h>

namespace services::random {

namespace {

// Nonce words: what a block is for (domain separation).
constexpr u32 NONCE_ABSORB = 0x61627362; // "absb"
constexpr u32 NONCE_NEXT = 0x6e657874;   // "next"

struct Pool {
    ChaChaKey key{};
    ChaChaKey pending{}; // mixed-in material not yet absorbed
    u64 generation = 0;
    u64 seeded_at = 0; // monotonic ns; 0: never
    bool seeded = false;
    bool hw = false;
};

keel::SpinLock<Pool> g_pool;

void absorb(ChaChaKey& key, const ChaChaKey& chunk, u32 counter) {
    ChaChaKey k{};
    for (usize i = 0; i < 8; ++i) {
        k[i] = key[i] ^ chunk[i];
    }
    const ChaChaBlock b = chacha20_block(k, counter, ChaChaNonce{NONCE_ABSORB, 0, 0});
    for (usize i = 0; i < 8; ++i) {
        key[i] = u32(b[i * 4]) | u32(b[i * 4 + 1]) << 8 | u32(b[i * 4 + 2]) << 16 | u32(b[i * 4 + 3]) << 24;
    }
}

// Seed material gathered outside the lock: 8 chunks of 32 bytes.
struct Material {
    klib::Array<ChaChaKey, 8> chunks{};
    bool hw = false;
};

Material gather() {
    Material m;
    // The CPU's generator: RDSEED first, RDRAND for what it does not give.
    usize word = 0;
    for (usize i = 0; i < 8; ++i) {
        auto v = keel::hw_random(keel::HwRandom::Seed);
        if (!v.has_value()) {
            v = keel::hw_random(keel::HwRandom::Rand);
        }
        if (v.has_value()) {
            m.chunks[0][word++ % 8] ^= u32(v.value());
            m.chunks[1][word++ % 8] ^= u32(v.value() >> 32);
            m.hw = true;
        }
    }
    // Timing jitter: cycle counts of a memory walk whose duration depends
    // on caches, interrupts and (under emulation) the host; 6 x 8 x 8
    // samples, the low bits of each delta folded in.
    klib::Array<u8, 2048> scratch{};
    u64 prev = keel::cycle_counter();
    for (usize c = 2; c < 8; ++c) {
        for (usize w = 0; w < 8; ++w) {
            u32 acc = 0;
            for (usize s = 0; s < 8; ++s) {
                for (usize i = 0; i < scratch.size(); i += 64 + (prev & 0x3f)) {
                    scratch[i] = u8(scratch[i] + u8(prev));
                }
                const u64 now = keel::cycle_counter();
                acc = (acc << 4 | acc >> 28) ^ u32(now - prev);
                prev = now;
            }
            m.chunks[c][w] ^= acc;
        }
    }
    m.chunks[1][7] ^= u32(keel::monotonic_ns());
    return m;
}

void seed_now(Pool& p, const Material& m) {
    for (usize i = 0; i < m.chunks.size(); ++i) {
        absorb(p.key, m.chunks[i], u32(i));
    }
    absorb(p.key, p.pending, 8);
    p.pending = ChaChaKey{};
    p.seeded = true;
    p.hw = m.hw;
    const u64 now = keel::monotonic_ns();
    p.seeded_at = now == 0 ? 1 : now;
}

bool needs_seed() {
    return g_pool.with([](Pool& p) {
        return !p.seeded || keel::monotonic_ns() - p.seeded_at >= RESEED_NS;
    });
}

} // namespace

void fill(klib::Span<u8> out) {
    if (needs_seed()) {
        const Material m = gather();
        g_pool.with([&](Pool& p) { seed_now(p, m); });
    }
    // Fast key erasure: the base key's next block is the next base key and
    // this request's one-time key.
    ChaChaKey once{};
    g_pool.with([&](Pool& p) {
        ++p.generation;
        const ChaChaBlock b =
            chacha20_block(p.key, 0, ChaChaNonce{NONCE_NEXT, u32(p.generation), u32(p.generation >> 32)});
        for (usize i = 0; i < 8; ++i) {
            p.key[i] = u32(b[i * 4]) | u32(b[i * 4 + 1]) << 8 | u32(b[i * 4 + 2]) << 16 |
                       u32(b[i * 4 + 3]) << 24;
            once[i] = u32(b[32 + i * 4]) | u32(b[33 + i * 4]) << 8 | u32(b[34 + i * 4]) << 16 |
                      u32(b[35 + i * 4]) << 24;
        }
    });
    usize done = 0;
    u32 counter = 0;
    u32 high = 0; // past 2^32 blocks (256 GiB) the nonce's counter word moves on
    while (done < out.size()) {
        const ChaChaBlock b = chacha20_block(once, counter, ChaChaNonce{0, high, 0});
        for (usize i = 0; i < b.size() && done < out.size(); ++i) {
            out[done++] = b[i];
        }
        if (++counter == 0) {
            ++high;
        }
    }
}

void mix(klib::Span<const u8> bytes) {
    g_pool.with([&](Pool& p) {
        usize i = 0;
        for (u8 b : bytes) {
            const usize w = (i / 4) % 8;
            p.pending[w] = (p.pending[w] << 8 | p.pending[w] >> 24) ^ b;
            ++i;
            if (i % 32 == 0) {
                absorb(p.pending, ChaChaKey{}, 9);
            }
        }
    });
}

void add_event(u64 value) {
    const u64 t = keel::cycle_counter();
    g_pool.with([&](Pool& p) {
        p.pending[t & 7] ^= u32(value) ^ u32(t);
        p.pending[(t >> 3) & 7] ^= u32(value >> 32) ^ u32(t >> 32);
    });
}

bool hw_seeded() {
    return g_pool.with([](Pool& p) { return p.hw; });
}

} // namespace services::random
