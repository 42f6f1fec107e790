// Futexes: threads sleep on a 32-bit word of user memory until another
// thread wakes that word (Linux's futex(2) core: wait, wake, requeue, with
// bitsets).
//
// A private futex (FUTEX_PRIVATE_FLAG) is named by (address space, user
// address). A shared one in a shared mapping (MAP_SHARED anonymous or of
// a file) is named by the mapped object and the offset in it, so
// processes meet at whatever address they map it; a shared one in private
// memory by (address space, address), distinct from the private name of
// the same word (as Linux's get_futex_key).
#pragma once

#include "../syscall/errno.h"
#include "process.h"
#include <klib/optional.h>

namespace services::process {

constexpr u32 FUTEX_BITSET_MATCH_ANY = 0xffffffff;

// Sleeps if the u32 at `addr` still holds `val` until woken (0), the
// monotonic `deadline_ns` passes (ETIMEDOUT), or the process exits (EINTR).
// EINVAL: addr not 4-byte aligned or bitset 0; EFAULT: addr unreadable;
// EAGAIN: the word is not `val`.
klib::Result<u64, syscall::Errno> futex_wait(const Thread& t, u64 addr, u32 val,
                                             klib::Optional<u64> deadline_ns, u32 bitset,
                                             bool priv);
// Wakes up to max(n, 1) waiters of `addr` whose bitset meets `bitset`;
// returns how many. EINVAL: addr not aligned or bitset 0.
klib::Result<u64, syscall::Errno> futex_wake(const Thread& t, u64 addr, i32 n, u32 bitset,
                                             bool priv);
// Wakes up to max(n_wake, 1) waiters of `addr` and moves up to n_requeue
// others to `addr2`; with `cmp`, only if the word at addr is *cmp
// (EAGAIN). Returns woken + moved. EINVAL: negative counts, bad alignment.
klib::Result<u64, syscall::Errno> futex_requeue(const Thread& t, u64 addr, u64 addr2, i32 n_wake,
                                                i32 n_requeue, klib::Optional<u32> cmp,
                                                bool priv);
// Makes every futex waiter re-check its condition (a process is exiting).
void futex_wake_all_waiters();
// Number of threads waiting on futexes (tests).
usize futex_waiter_count();

} // namespace services::process
