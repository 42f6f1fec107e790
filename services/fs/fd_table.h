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
    static constexpr u64 MAX_FDS = 1024;      // RLIMIT_NOFILE's default soft limit
    static constexpr u64 HARD_FDS = 4096;     // and its default hard limit
    static constexpr u64 NR_OPEN = 1048576;   // the most RLIMIT_NOFILE may be

    // RLIMIT_NOFILE: fds at or above the soft limit cannot be installed.
    u64 limit() const { return limit_; }
    u64 hard_limit() const { return hard_; }
    void set_limit(u64 soft, u64 hard) {
        limit_ = soft;
        hard_ = hard;
    }

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
    // A table with the same descriptions at the same numbers, the same
    // close-on-exec flags and limits (fork). NoMemory.
    klib::Result<FdTable> clone() const;

private:
    struct Slot {
        klib::Arc<File> file;
        bool cloexec = false;
    };
    klib::Vec<klib::Optional<Slot>> slots_;
    u64 limit_ = MAX_FDS;
    u64 hard_ = HARD_FDS;
};

} // namespace services::fs
