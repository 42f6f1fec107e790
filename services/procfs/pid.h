// procfs internals shared by procfs.cpp and pid.cpp: the installed
// process source and the per-process directories.
#pragma once

#include "nodes.h"

namespace services::procfs {

klib::Optional<klib::Arc<ProcessSource>> source();
klib::Optional<klib::Arc<ProcessView>> current_process();

// A decimal pid without sign or leading zeros ("1", "42"), or none.
klib::Optional<i32> parse_pid(klib::StringView name);
// The inode number of /proc/PID.
u64 pid_ino(i32 pid);
// /proc/PID (ENOENT when no such process).
klib::Result<klib::Arc<fs::Inode>, Errno> pid_dir(u64 dev, i32 pid);

} // namespace services::procfs
