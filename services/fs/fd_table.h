// A process's file-descriptor table: fd numbers to open file descriptions,
// lowest free number first, with the per-fd close-on-exec flag.
#pragma once

#include "file.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace services::fs {

class FdTable {
public:
    static constexpr u64 MAX_FDS = 1024; // RLIMIT_NOFILE's default soft limit

    // Installs `file` at the lowest free fd >= min_fd (EMFILE when none,
    // EINVAL when min_fd is out of range).
    klib::Result<u64, Errno> install(klib::Arc<File> file, bool cloexec, u64 min_fd = 0);
    // Installs `file` at exactly `fd`, closing what was there (dup2).
    klib::Result<void, Errno> install_at(u64 fd, klib::Arc<File> file, bool cloexec);
    // The description behind `fd` (EBADF when not open).
    klib::Result<klib::Arc<File>, Errno> get(u64 fd) const;
    klib::Result<void, Errno> close(u64 fd);
    klib::Result<bool, Errno> cloexec(u64 fd) const;
    klib::Result<void, Errno> set_cloexec(u64 fd, bool on);

private:
    struct Slot {
        klib::Arc<File> file;
        bool cloexec = false;
    };
    klib::Vec<klib::Optional<Slot>> slots_;
};

} // namespace services::fs
