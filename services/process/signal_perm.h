// Who may signal whom (Linux's check_kill_permission), for kill, tkill,
// tgkill and rt_sigqueueinfo: one check every sender calls.
#pragma once

#include "process.h"

namespace services::process {

// May thread `t` send signal `sig` (0: a probe) from user space to process
// `target`? Its own process always; another if the credentials allow
// (cred::Credentials::may_signal), or for SIGCONT within the sender's
// session. EPERM otherwise. A target with no running thread (a zombie)
// is allowed: the signal is lost anyway.
klib::Result<void, syscall::Errno> may_signal(const Thread& t, i32 target, i32 sig);

} // namespace services::process
