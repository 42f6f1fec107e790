// A process's file-descriptor table: fd numbers to open file descriptions,
// lowest free number first, with the per-fd close-on-exec flag.
#pragma once

#include "../syscall/errno.h"
#include "open_file.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace services::fs {

using syscall::Errno;

class FdTable {
public:
    static constexpr u64 MAX_FDS = 1024; // RLIMIT_NOFILE's default soft limit

    // A table with fds 0, 1 and 2 on the console (one shared description,
    // read/write, as Linux's /dev/console for init); `console_ino` is the
    // /dev/console inode fstat reports (0 when there is none).
    static klib::Result<FdTable> with_console(Ino console_ino);

    // Installs `file` at the lowest free fd >= min_fd (EMFILE when none,
    // EINVAL when min_fd is out of range).
    klib::Result<u64, Errno> install(klib::Arc<OpenFile> file, bool cloexec, u64 min_fd = 0);
    // Installs `file` at exactly `fd`, closing what was there (dup2).
    klib::Result<void, Errno> install_at(u64 fd, klib::Arc<OpenFile> file, bool cloexec);
    // The description behind `fd` (EBADF when not open).
    klib::Result<klib::Arc<OpenFile>, Errno> get(u64 fd) const;
    klib::Result<void, Errno> close(u64 fd);
    klib::Result<bool, Errno> cloexec(u64 fd) const;
    klib::Result<void, Errno> set_cloexec(u64 fd, bool on);

private:
    struct Slot {
        klib::Arc<OpenFile> file;
        bool cloexec = false;
    };
    klib::Vec<klib::Optional<Slot>> slots_;
};

} // namespace services::fs
