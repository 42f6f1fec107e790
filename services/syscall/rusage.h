// struct rusage as getrusage, wait4 and waitid write it.
#pragma once

#include "../process/process.h"
#include "errno.h"

namespace services::syscall {

// Writes a struct rusage (144 bytes) with the times `c` to `addr`
// (EFAULT); `maxrss_kb` is ru_maxrss, the other counters are 0 (not kept).
klib::Result<void, Errno> copy_rusage(const process::Thread& t, u64 addr, const process::CpuTimes& c,
                                      u64 maxrss_kb = 0);

} // namespace services::syscall
