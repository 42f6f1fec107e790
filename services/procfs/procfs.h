// procfs: /proc as busybox and libc read it. System-wide files (meminfo,
// cpuinfo, uptime, filesystems, mounts -> self/mounts, sys/kernel/...),
// /proc/self, and one directory per process with stat, status, cmdline,
// comm, maps, mounts, the exe/cwd/root links and fd/ (one link per open
// fd). Contents are made when read, from the ProcessSource (source.h).
#pragma once

#include "source.h"

namespace services::procfs {

constexpr u64 PROC_SUPER_MAGIC = 0x9fa0;

// Registers "proc" with mount(2) (fs::register_filesystem). Idempotent.
klib::Result<void, Errno> register_procfs();

} // namespace services::procfs
