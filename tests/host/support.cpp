// tests/host/support.cpp - host definitions of the functions klib expects
// its environment to provide, plus allocation failure injection.
#include "support.h"

#include <klib/alloc.h>
#include <klib/assert.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace {
std::atomic<int> g_skip{0};
std::atomic<int> g_fail{0};
std::atomic<long> g_live{0};
std::atomic<long> g_total{0};
// Size and alignment of each live block: raw_free must be given the values
// raw_alloc was (the kernel heap relies on them), e.g. after a Box upcast.
std::mutex g_sizes_lock;
std::unordered_map<void*, std::pair<usize, usize>>& sizes() {
    static std::unordered_map<void*, std::pair<usize, usize>> m;
    return m;
}
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
    const usize asked_align = align;
    if (align < sizeof(void*)) {
        align = sizeof(void*);
    }
    // aligned_alloc wants a non-zero size that is a multiple of align.
    usize rounded = size == 0 ? align : (size + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (p != nullptr) {
        ++g_live;
        ++g_total;
        std::lock_guard<std::mutex> g(g_sizes_lock);
        sizes()[p] = {size, asked_align};
    }
    return p;
}

void raw_free(void* p, usize size, usize align) noexcept {
    if (p != nullptr) {
        {
            std::lock_guard<std::mutex> g(g_sizes_lock);
            auto it = sizes().find(p);
            if (it == sizes().end()) {
                fail("raw_free of a block raw_alloc did not return", __FILE__, __LINE__);
            }
            if (it->second.first != size || it->second.second != align) {
                std::fprintf(stderr, "raw_free(%p, %zu, %zu) of a block allocated as (%zu, %zu)\n",
                             p, size, align, it->second.first, it->second.second);
                fail("raw_free size/alignment mismatch", __FILE__, __LINE__);
            }
            sizes().erase(it);
        }
        --g_live;
        std::free(p);
    }
}

} // namespace klib
