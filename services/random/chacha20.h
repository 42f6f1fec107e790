// The ChaCha20 block function (RFC 8439, section 2.3): 32-byte key,
// 32-bit block counter, 96-bit nonce -> 64 bytes of key stream.
#pragma once

#include <klib/array.h>
#include <klib/types.h>

namespace services::random {

using ChaChaKey = klib::Array<u32, 8>;
using ChaChaNonce = klib::Array<u32, 3>;
using ChaChaBlock = klib::Array<u8, 64>;

ChaChaBlock chacha20_block(const ChaChaKey& key, u32 counter, const ChaChaNonce& nonce);

} // namespace services::random
