// ktests of the random number generator: ChaCha20 against RFC 8439's test
// vector, and the generator's output (distinct requests, bit balance).
#include "chacha20.h"
#include "random.h"

#include <keel/ktest.h>
#include <keel/random.h>
#include <klib/vec.h>

namespace services::random {

namespace {
klib::Vec<u8> zeros(usize n) {
    klib::Vec<u8> v;
    for (usize i = 0; i < n; ++i) {
        MUST(v.try_push(0));
    }
    return v;
}
} // namespace

KTEST(random_chacha20_rfc8439_block) {
    // RFC 8439 2.3.2: key 00 01 .. 1f, nonce 00:00:00:09 00:00:00:4a
    // 00:00:00:00, block counter 1.
    ChaChaKey key{};
    for (u32 i = 0; i < 8; ++i) {
        key[i] = (4 * i) | (4 * i + 1) << 8 | (4 * i + 2) << 16 | (4 * i + 3) << 24;
    }
    const ChaChaBlock b = chacha20_block(key, 1, ChaChaNonce{0x09000000, 0x4a000000, 0});
    const klib::Array<u8, 16> head = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                      0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
    const klib::Array<u8, 8> tail = {0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
    for (usize i = 0; i < head.size(); ++i) {
        KEXPECT_EQ(b[i], head[i]);
    }
    for (usize i = 0; i < tail.size(); ++i) {
        KEXPECT_EQ(b[56 + i], tail[i]);
    }
}

KTEST(random_fill_differs_and_is_balanced) {
    klib::Vec<u8> a = zeros(4096);
    klib::Vec<u8> b = zeros(4096);
    fill(a.span());
    fill(b.span());
    usize same = 0;
    u64 ones = 0;
    for (usize i = 0; i < a.size(); ++i) {
        same += a[i] == b[i] ? 1 : 0;
        ones += u64(__builtin_popcount(a[i]));
    }
    // Two 4 KiB requests agree in about 16 bytes (1/256); 64 would be
    // astronomically unlikely from a working generator.
    KEXPECT(same < 64);
    // 32768 bits: 50% +- 2% is more than 7 standard deviations.
    KEXPECT(ones > 32768 * 48 / 100 && ones < 32768 * 52 / 100);
    // Odd sizes: every byte is written (a zero run of 8 is 2^-64).
    klib::Vec<u8> c = zeros(67);
    fill(c.span());
    bool tail_written = false;
    for (usize i = 59; i < 67; ++i) {
        tail_written = tail_written || c[i] != 0;
    }
    KEXPECT(tail_written);
}

KTEST(random_hw_primitive_reports_absence_honestly) {
    // Either the CPU has the instruction and it yields a value (a broken
    // DRBG fails 10 times in a row), or the primitive says none.
    const klib::Array<keel::HwRandom, 2> kinds = {keel::HwRandom::Rand, keel::HwRandom::Seed};
    for (keel::HwRandom kind : kinds) {
        auto v = keel::hw_random(kind);
        if (!keel::hw_random_available(kind)) {
            KEXPECT(!v.has_value());
        } else if (kind == keel::HwRandom::Rand) {
            KEXPECT(v.has_value());
        }
    }
    klib::Vec<u8> x = zeros(32);
    fill(x.span());
    KEXPECT_EQ(hw_seeded(), keel::hw_random_available(keel::HwRandom::Seed) ||
                                keel::hw_random_available(keel::HwRandom::Rand));
}

} // namespace services::random
