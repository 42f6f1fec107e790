// klib/assert.h - the one runtime check primitive.
//
// Every klib check (bounds, empty Optional, borrow violation, ...) goes
// through KLIB_CHECK. A failed check never returns: the kernel defines
// klib::fail as a panic, host tests define it to print and abort().
#pragma once

#include <klib/types.h>
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// Reports a failed check and stops. `what` is a static message; file/line
// identify the check. Defined by the environment (kernel or test support).
[[noreturn]] void fail(const char* what, const char* file, int line) noexcept;

} // namespace klib

// Checks `cond`; on failure calls klib::fail with `msg` (a string literal).
// The failure branch is marked unlikely so a check costs a compare and a
// predicted-not-taken branch.
#define KLIB_CHECK(cond, msg)                                                                      \
    do {                                                                                           \
        if (__builtin_expect(!(cond), 0)) {                                                        \
            ::klib::fail(msg, __FILE__, __LINE__);                                                 \
        }                                                                                          \
    } while (0)

KLIB_TRUSTED_END
