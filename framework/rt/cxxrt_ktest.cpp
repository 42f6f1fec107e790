// ktests for the freestanding mem* runtime: every length 0..200 (the
// unrolled 64-byte loop, the 8-byte steps and the tail) at every
// source/destination misalignment, bytes outside the range untouched.
#include <keel/ktest.h>
#include <klib/types.h>

extern "C" void* memcpy(void* dst, const void* src, usize n);
extern "C" void* memset(void* dst, int c, usize n);

namespace keel {

KTEST(rt_memcpy_all_lengths_and_alignments) {
    u8 src[224];
    u8 dst[224];
    for (usize i = 0; i < 224; ++i) {
        src[i] = u8(i * 7 + 1);
    }
    for (usize n = 0; n <= 200; ++n) {
        for (usize so = 0; so < 8; ++so) {
            for (usize doff = 0; doff < 8; ++doff) {
                for (usize i = 0; i < 224; ++i) {
                    dst[i] = 0xee;
                }
                KEXPECT(memcpy(dst + doff, src + so, n) == dst + doff);
                for (usize i = 0; i < 224; ++i) {
                    const bool in = i >= doff && i < doff + n;
                    KASSERT(dst[i] == (in ? src[so + i - doff] : 0xee));
                }
            }
        }
    }
}

KTEST(rt_memset_all_lengths_and_alignments) {
    u8 buf[224];
    for (usize n = 0; n <= 200; ++n) {
        for (usize off = 0; off < 8; ++off) {
            for (usize i = 0; i < 224; ++i) {
                buf[i] = 0x11;
            }
            KEXPECT(memset(buf + off, 0x1a5, n) == buf + off); // only the low byte counts
            for (usize i = 0; i < 224; ++i) {
                KASSERT(buf[i] == (i >= off && i < off + n ? 0xa5 : 0x11));
            }
        }
    }
}

} // namespace keel

namespace keel {

// memmove forwards to memcpy when dst < src, overlapping included.
extern "C" void* memmove(void* dst, const void* src, usize n);
KTEST(rt_memmove_overlapping_down_and_up) {
    u8 buf[300];
    for (usize shift = 1; shift < 80; shift += 7) {
        for (usize i = 0; i < 300; ++i) {
            buf[i] = u8(i);
        }
        memmove(buf, buf + shift, 200);
        for (usize i = 0; i < 200; ++i) {
            KASSERT(buf[i] == u8(i + shift));
        }
        for (usize i = 0; i < 300; ++i) {
            buf[i] = u8(i);
        }
        memmove(buf + shift, buf, 200);
        for (usize i = 0; i < 200; ++i) {
            KASSERT(buf[i + shift] == u8(i));
        }
    }
}

} // namespace keel
