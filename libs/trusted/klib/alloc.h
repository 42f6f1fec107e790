// klib/alloc.h - the raw allocation interface klib containers build on.
//
// Defined by the environment: the kernel heap in kernel builds, aligned_alloc
// plus failure injection in host tests (tests/host/support.cpp).
#pragma once

#include <klib/annotations.h>
#include <klib/types.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// Allocates `size` bytes aligned to `align` (a power of two). Returns nullptr
// on failure; never aborts, so callers can turn failure into Error::NoMemory.
KLIB_UNSAFE void* raw_alloc(usize size, usize align) noexcept;

// Frees memory from raw_alloc. `size` and `align` must be the values passed to
// raw_alloc (sized deallocation lets the kernel heap skip a header).
// raw_free(nullptr, ...) is a no-op.
KLIB_UNSAFE void raw_free(void* p, usize size, usize align) noexcept;

} // namespace klib

KLIB_TRUSTED_END
