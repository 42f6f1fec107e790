#include "chacha20.h"

namespace services::random {

namespace {

constexpr u32 rotl(u32 v, u32 n) {
    return (v << n) | (v >> (32 - n));
}

void quarter(klib::Array<u32, 16>& x, usize a, usize b, usize c, usize d) {
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 7);
}

} // namespace

ChaChaBlock chacha20_block(const ChaChaKey& key, u32 counter, const ChaChaNonce& nonce) {
    // "expand 32-byte k", the key, the counter, the nonce.
    klib::Array<u32, 16> init = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1],
                                 key[2],     key[3],     key[4],     key[5],     key[6], key[7],
                                 counter,    nonce[0],   nonce[1],   nonce[2]};
    klib::Array<u32, 16> x = init;
    for (int round = 0; round < 10; ++round) {
        quarter(x, 0, 4, 8, 12);
        quarter(x, 1, 5, 9, 13);
        quarter(x, 2, 6, 10, 14);
        quarter(x, 3, 7, 11, 15);
        quarter(x, 0, 5, 10, 15);
        quarter(x, 1, 6, 11, 12);
        quarter(x, 2, 7, 8, 13);
        quarter(x, 3, 4, 9, 14);
    }
    ChaChaBlock out{};
    for (usize i = 0; i < 16; ++i) {
        const u32 w = x[i] + init[i];
        out[i * 4] = u8(w);
        out[i * 4 + 1] = u8(w >> 8);
        out[i * 4 + 2] = u8(w >> 16);
        out[i * 4 + 3] = u8(w >> 24);
    }
    return out;
}

} // namespace services::random
