// Terminal ioctls and the job-control checks of read/write/open on a
// terminal: the syscall side of services/tty (user memory, the calling
// process as a tty::ProcessView).
#pragma once

#include "../tty/tty.h"
#include "syscall.h"

namespace services::syscall {

// The ioctl on a terminal file (TCGETS, TCSETS*, TIOC*, FIONREAD, ...).
SysResult tty_ioctl(process::Thread& t, const tty::TtyFile& f, u64 cmd, u64 arg);
// SIGTTIN/SIGTTOU checks before a read or write of a terminal (no-op for
// other files).
klib::Result<void, Errno> tty_check_read(process::Thread& t, const fs::File& f);
klib::Result<void, Errno> tty_check_write(process::Thread& t, const fs::File& f);
// A freshly opened /dev/tty becomes the caller's controlling terminal
// (ENXIO without one); a terminal opened by a session leader without one
// becomes its controlling terminal (not /dev/console, not O_NOCTTY);
// other files are returned as they are.
klib::Result<klib::Arc<fs::File>, Errno> resolve_ctty(process::Thread& t, klib::Arc<fs::File> f, u32 flags);

// Routes the terminals' job-control signals to process groups (once, at
// start-up). NoMemory.
klib::Result<void> install_tty_signals();

} // namespace services::syscall
