// klib/new.h - placement new without <new>.
//
// Kernel builds have no standard library, so klib provides the one
// placement operator new it needs. This is the single definition for the
// whole kernel: framework code must include this header rather than define
// its own. Host builds (KLIB_HOSTED) use the library's declaration.
#pragma once

#include <klib/types.h>

#if defined(KLIB_HOSTED)
#include <new>
#else
// SAFETY: placement new only returns the storage it was given; the caller
// guarantees `p` is suitably sized and aligned for the object constructed.
[[nodiscard]] inline void* operator new(usize, void* p) noexcept {
    return p;
}
[[nodiscard]] inline void* operator new[](usize, void* p) noexcept {
    return p;
}
inline void operator delete(void*, void*) noexcept {}
inline void operator delete[](void*, void*) noexcept {}
#endif
