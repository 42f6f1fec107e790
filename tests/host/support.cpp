// tests/host/support.cpp - host definitions of the functions klib expects
// its environment to provide, plus allocation failure injection.
#include "support.h"

#include <klib/alloc.h>
#include <klib/assert.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace {
std::atomic<int> g_skip{0};
std::atomic<int> g_fail{0};
std::atomic<long> g_live{0};
std::atomic<long> g_total{0};
} // namespace

namespace klib_test {
void fail_next_allocs(int n) {
    fail_allocs_after(0, n);
}
void fail_allocs_after(int skip, int n) {
    g_skip = skip;
    g_fail = n;
}
long live_allocs() {
    return g_live.load();
}
long total_allocs() {
    return g_total.load();
}
} // namespace klib_test

namespace klib {

void fail(const char* what, const char* file, int line) noexcept {
    std::fprintf(stderr, "klib check failed: %s at %s:%d\n", what, file, line);
    std::fflush(stderr);
    std::abort();
}

void* raw_alloc(usize size, usize align) noexcept {
    if (g_fail.load() > 0) {
        if (g_skip.load() > 0) {
            --g_skip;
        } else {
            --g_fail;
            return nullptr;
        }
    }
    // Like the kernel heap, refuse absurd sizes (and keep the rounding
    // below from wrapping around to a tiny block).
    if (size > (usize(1) << 32)) {
        return nullptr;
    }
    if (align < sizeof(void*)) {
        align = sizeof(void*);
    }
    // aligned_alloc wants a non-zero size that is a multiple of align.
    usize rounded = size == 0 ? align : (size + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (p != nullptr) {
        ++g_live;
        ++g_total;
    }
    return p;
}

void raw_free(void* p, usize, usize) noexcept {
    if (p != nullptr) {
        --g_live;
        std::free(p);
    }
}

} // namespace klib
