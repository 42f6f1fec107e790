// ktests for the freestanding mem* runtime: every length 0..40 at every
// source/destination misalignment, bytes outside the range untouched.
#include <keel/ktest.h>
#include <klib/types.h>

extern "C" void* memcpy(void* dst, const void* src, usize n);
extern "C" void* memset(void* dst, int c, usize n);

namespace keel {

KTEST(rt_memcpy_all_lengths_and_alignments) {
    u8 src[64];
    u8 dst[64];
    for (usize i = 0; i < 64; ++i) {
        src[i] = u8(i * 7 + 1);
    }
    for (usize n = 0; n <= 40; ++n) {
        for (usize so = 0; so < 8; ++so) {
            for (usize doff = 0; doff < 8; ++doff) {
                for (usize i = 0; i < 64; ++i) {
                    dst[i] = 0xee;
                }
                KEXPECT(memcpy(dst + doff, src + so, n) == dst + doff);
                for (usize i = 0; i < 64; ++i) {
                    const bool in = i >= doff && i < doff + n;
                    KASSERT(dst[i] == (in ? src[so + i - doff] : 0xee));
                }
            }
        }
    }
}

KTEST(rt_memset_all_lengths_and_alignments) {
    u8 buf[64];
    for (usize n = 0; n <= 40; ++n) {
        for (usize off = 0; off < 8; ++off) {
            for (usize i = 0; i < 64; ++i) {
                buf[i] = 0x11;
            }
            KEXPECT(memset(buf + off, 0x1a5, n) == buf + off); // only the low byte counts
            for (usize i = 0; i < 64; ++i) {
                KASSERT(buf[i] == (i >= off && i < off + n ? 0xa5 : 0x11));
            }
        }
    }
}

} // namespace keel
