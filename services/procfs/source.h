// What procfs shows of processes, and where it gets it. procfs sees no
// process types (the process subsystem includes procfs, never the other
// way): the process subsystem implements ProcessSource and ProcessView
// and installs its source at boot with set_source().
#pragma once

#include "../fs/vfs.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::procfs {

using fs::Errno;

// A snapshot of one process for stat/status.
struct ProcessInfo {
    i32 pid = 0;
    i32 ppid = 0;
    i32 pgid = 0;
    i32 sid = 0;
    char state = 'R'; // R running, S sleeping, Z zombie
    klib::String comm;
    u32 threads = 1;
    u32 umask = 022;
    fs::Cred cred;
    u64 vm_bytes = 0;     // mapped
    u64 rss_pages = 0;    // resident
    u64 start_code = 0;   // the loaded image, the stack, the argument strings
    u64 end_code = 0;
    u64 start_stack = 0;
    u64 arg_start = 0;
    u64 arg_end = 0;
    u64 brk_start = 0;
    u64 brk = 0;
};

class ProcessView {
public:
    virtual ~ProcessView() = default;
    virtual i32 pid() const = 0;
    virtual klib::Result<ProcessInfo, Errno> info() const = 0;
    // Root, cwd, namespace (ESRCH for a zombie).
    virtual klib::Result<fs::FsContext, Errno> fs_context() const = 0;
    // The open file at `fd` (EBADF), and one past the highest fd to try.
    virtual klib::Result<klib::Arc<fs::File>, Errno> file(u64 fd) const = 0;
    virtual u64 fd_limit() const = 0;
    // argv as NUL-terminated strings, as /proc/PID/cmdline.
    virtual klib::Result<klib::String, Errno> cmdline() const = 0;
    // /proc/PID/maps, whole.
    virtual klib::Result<klib::String, Errno> maps() const = 0;
    // The executable's path (ENOENT when unknown).
    virtual klib::Result<klib::String, Errno> exe() const = 0;
};

class ProcessSource {
public:
    virtual ~ProcessSource() = default;
    // The calling task's process; none for kernel tasks.
    virtual klib::Optional<klib::Arc<ProcessView>> current() const = 0;
    virtual klib::Optional<klib::Arc<ProcessView>> find(i32 pid) const = 0;
    // Every pid, ascending.
    virtual klib::Result<klib::Vec<i32>, Errno> pids() const = 0;
};

// Installs the source (once, at boot; a later call replaces it).
void set_source(klib::Arc<ProcessSource> source);

} // namespace services::procfs
