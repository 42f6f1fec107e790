// The process subsystem's side of procfs: a record of each running
// thread's resources, keyed by its kernel task, behind procfs's
// ProcessSource interface (services/procfs/source.h).
#pragma once

#include "process.h"
#include <klib/function.h>
#include <klib/string_view.h>

namespace services::process {

// Installs the source procfs reads (once, at boot). NoMemory.
klib::Result<void> install_proc_source();

// Records `t` as running on the calling kernel task (before its user
// loop), and forgets it (after). A thread with no record of its process
// yet reads its argument range from its initial stack; others inherit
// their parent's (fork) or their process's (threads).
void note_thread(const Thread& t);
void forget_thread(const Thread& t);
// Refreshes the calling task's record (after exec or PR_SET_NAME).
void refresh_thread(const Thread& t);

// After a successful execve in `t` (its new space and registers in place):
// the record takes the new space, name, argument range (from the new
// initial stack) and executable path.
void note_exec(const Thread& t, klib::StringView path);

// Calls `f` with the kernel task of each running thread of process `pid`
// (CPU-time accounting, accounting.h).
void for_each_thread_task(i32 pid, klib::FunctionRef<void(keel::TaskId)> f);
// The credentials of process `pid` (those of its file-system context);
// none when it has no running thread (a zombie) or no file system.
klib::Optional<fs::Cred> credentials_of(i32 pid);
// The fd table of process `pid` (none: no running thread).
klib::Optional<klib::Arc<Files>> files_of(i32 pid);

// The executable path /proc/PID/exe shows for `pid`.
void note_exe(i32 pid, klib::StringView path);

} // namespace services::process
