// System-call dispatch: the only place that turns results into rax.
#pragma once

#include "../process/process.h"
#include "errno.h"
#include "table.h"
#include <klib/array.h>

namespace services::syscall {

struct Args {
    klib::Array<u64, 6> a; // rdi, rsi, rdx, r10, r8, r9
};

// Handles the syscall in p.ctx.regs and stores the result (or -errno) in rax.
void dispatch(process::Thread& t);

#define SERVICES_DECLARE_SYSCALL(nr, name)                                                         \
    SysResult sys_##name(process::Thread& t, const Args& args);
SERVICES_SYSCALLS(SERVICES_DECLARE_SYSCALL)
#undef SERVICES_DECLARE_SYSCALL

} // namespace services::syscall
